import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { type AdapterRegistry, builtinAdapters } from '../../adapters/index.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../../adapters/pipedrive/fake/pipedrive.ts'
import type { AdapterV2 } from '../../src/kit/spec.ts'
import type { SeenRequest } from '../conformance/fakes/http-fake.ts'
import { failFirstCreate, loseFirstCreate } from '../conformance/fakes/lost-answers.ts'
import { sleep } from '../conformance/harness.ts'
import { headers, testApp } from '../helpers/app.ts'

/** Pipedrive's contacts port, its created-record lookup trusted after `settleMs`. */
function pipedriveSettlingAfter(settleMs: number): AdapterRegistry {
  return {
    ...builtinAdapters,
    pipedrive: async () => {
      const definition = await builtinAdapters.pipedrive!()
      return {
        options: definition.options,
        create: (options, ctx) => {
          const adapter = definition.create(options, ctx) as AdapterV2
          const contacts = adapter.contacts!
          return { ...adapter, contacts: { ...contacts, createdLookup: { ...contacts.createdLookup!, settleMs } } }
        },
      }
    },
  }
}

/**
 * Contacts and companies whose create the CRM applied while its answer was lost, on CRMs whose
 * search lags behind their writes (HubSpot, and Pipedrive with what lookups learned kept for no
 * time): the export sent again never makes a second record (`src/idempotency/record-attempts.ts`).
 */
describe('an export whose create answer was lost never makes a second record', () => {
  const closing: { close(): Promise<unknown> }[] = []
  afterEach(async () => {
    for (const thing of closing.splice(0).reverse()) await thing.close()
  })
  const gateway = async (connection: Record<string, unknown>, registry: AdapterRegistry = builtinAdapters) => {
    const app = await testApp({ connections: { crm: { retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 20 }, ...connection } }, registry })
    closing.push(app)
    return app
  }
  const exportOf = (app: FastifyInstance, kind: 'contacts' | 'companies', records: object[]) =>
    app.inject({ method: 'POST', url: `/${kind}`, headers, payload: { [kind]: records } })

  it('HubSpot: while search does not show the company, each export is a RECORD_IN_DOUBT with Retry-After and sends nothing; once it does, the export answers it', async () => {
    const fake = await HubSpotFake.start({ searchLagMs: 3_600_000 })
    closing.push(fake)
    const app = await gateway({ adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url })
    const isCreate = (r: SeenRequest) => r.method === 'POST' && r.path === '/crm/objects/2026-09/companies/batch/create'
    const lost = { externalId: 'K-lost', domain: 'lost.example', name: 'Lost Ltd' }
    const held = () => [...fake.companies.objects.values()].filter((company) => company.properties.domain === 'lost.example')
    loseFirstCreate(fake.http, isCreate, 'reset')
    const first = await exportOf(app, 'companies', [lost])
    expect(first.statusCode, first.body).toBe(502)
    expect(held(), 'HubSpot made the company of the first export').toHaveLength(1)

    const early = await exportOf(app, 'companies', [lost])
    expect(early.statusCode, early.body).toBe(503)
    expect(early.json()).toMatchObject({ code: 'RECORD_IN_DOUBT', message: expect.stringContaining('does not show it yet') })
    expect(Number(early.headers['retry-after'])).toBeGreaterThan(0)
    // Another record of the same batch is created: only the one in doubt waits.
    const mixed = await exportOf(app, 'companies', [lost, { externalId: 'K-new', domain: 'new.example', name: 'New Ltd' }])
    expect(mixed.statusCode, mixed.body).toBe(200)
    expect(mixed.json().errors).toEqual([{ externalId: 'K-lost', error: expect.stringContaining('may have created it'), code: 'RECORD_IN_DOUBT' }])
    expect(mixed.json().results.map((result: { externalId: string }) => result.externalId)).toEqual(['K-new'])
    expect(fake.http.count('POST', '/crm/objects/2026-09/companies/batch/create'), 'the lost company is not created again').toBe(2)

    // HubSpot's search catches up.
    for (const company of fake.companies.objects.values()) company.searchableAt = 0
    const later = await exportOf(app, 'companies', [lost])
    expect(later.statusCode, later.body).toBe(200)
    expect(later.json().results).toEqual([{ externalId: 'K-lost', crmId: `crm.${held()[0]!.id}` }])
    expect(held(), 'one company at HubSpot').toHaveLength(1)
    expect(fake.violations).toEqual([])
  })

  it('Pipedrive: the person a lost create made is found by the list of changes, whatever search shows: answered, one person, one create', async () => {
    const fake = await PipedriveFake.start({ searchLagMs: 3_600_000 })
    closing.push(fake)
    const app = await gateway({ adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url, recall: { ttlMs: 0 } })
    const isCreate = (r: SeenRequest) => r.method === 'POST' && r.path === '/api/v2/persons'
    const lost = { externalId: 'P-lost', email: 'lost@acme.example', firstName: 'Lost' }
    loseFirstCreate(fake.http, isCreate, 'reset')
    expect((await exportOf(app, 'contacts', [lost])).statusCode).toBe(502)
    const again = await exportOf(app, 'contacts', [lost])
    expect(again.statusCode, again.body).toBe(200)
    const made = [...fake.persons.records.values()].filter((person) => person.name === 'Lost')
    expect(made, 'one person at Pipedrive').toHaveLength(1)
    expect(again.json().results).toEqual([{ externalId: 'P-lost', crmId: `crm.${made[0]!.id}` }])
    expect(fake.http.count('POST', '/api/v2/persons'), 'one create').toBe(1)
    expect(fake.violations).toEqual([])
  })

  it('Pipedrive: a lost create that made nothing is a RECORD_IN_DOUBT until the list of changes can be trusted, then the export makes the person once', async () => {
    const fake = await PipedriveFake.start({ searchLagMs: 3_600_000 })
    closing.push(fake)
    const app = await gateway({ adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url, recall: { ttlMs: 0 } }, pipedriveSettlingAfter(700))
    const record = { externalId: 'P-none', email: 'none@acme.example', firstName: 'Nobody Yet' }
    // The connection drops once the create is sent, before Pipedrive applies it.
    failFirstCreate(fake.http, (r) => r.method === 'POST' && r.path === '/api/v2/persons', { reset: true })
    expect((await exportOf(app, 'contacts', [record])).statusCode).toBe(502)
    const early = await exportOf(app, 'contacts', [record])
    expect(early.statusCode, early.body).toBe(503)
    expect(early.json()).toMatchObject({ code: 'RECORD_IN_DOUBT' })
    expect(fake.http.count('POST', '/api/v2/persons'), 'nothing is sent within the window').toBe(1)
    await sleep(800)
    const later = await exportOf(app, 'contacts', [record])
    expect(later.statusCode, later.body).toBe(200)
    const made = [...fake.persons.records.values()].filter((person) => person.name === 'Nobody Yet')
    expect(made, 'one person at Pipedrive').toHaveLength(1)
    expect(later.json().results).toEqual([{ externalId: 'P-none', crmId: `crm.${made[0]!.id}` }])
  })

  it('Pipedrive: a create Pipedrive refused (a 400) made nothing: the export sent again is sent at once', async () => {
    const fake = await PipedriveFake.start({ searchLagMs: 3_600_000 })
    closing.push(fake)
    const app = await gateway({ adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url, recall: { ttlMs: 0 } })
    const record = { externalId: 'P-refused', email: 'refused@acme.example', firstName: 'Refused Once' }
    failFirstCreate(fake.http, (r) => r.method === 'POST' && r.path === '/api/v2/persons', { status: 400, body: { success: false, error: 'Bad request' } })
    const first = await exportOf(app, 'contacts', [record])
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json().errors).toMatchObject([{ externalId: 'P-refused', code: 'UPSTREAM_REJECTED' }])
    const again = await exportOf(app, 'contacts', [record])
    expect(again.statusCode, again.body).toBe(200)
    expect(again.json().results).toHaveLength(1)
    expect(fake.http.count('POST', '/api/v2/persons')).toBe(2)
  })
})
