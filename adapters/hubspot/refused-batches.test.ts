import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AdapterV2, CallOptions } from '../../src/kit/spec.ts'
import { adapterOf, answer200, type Handler, testApp } from '../../src/kit/testing.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'
import type { ObjectStore } from './fake/objects.ts'

const fieldMap = { contacts: { externalId: 'enginy_external_id' }, companies: { externalId: 'enginy_external_id' } }
const CREATE = { contacts: '/crm/objects/2026-09/contacts/batch/create', companies: '/crm/objects/2026-09/companies/batch/create' }
const UPDATE = { contacts: '/crm/objects/2026-09/contacts/batch/update', companies: '/crm/objects/2026-09/companies/batch/update' }
/** An owner the fake portal lacks: HubSpot refuses the batch naming `hubspot_owner_id`. */
const NO_OWNER = '999'

/** The most calls a batch of `n` with `k` refused inputs costs when HubSpot names none of them
 * (`refused-inputs.ts`): the first, then two per level of halving for each refused input, and
 * never more than every part of a full split. */
const bisectionBound = (n: number, k: number) => 1 + Math.min(2 * k * Math.ceil(Math.log2(n)), 2 * (n - 1))

/**
 * HubSpot refuses a whole batch create or update for one input it will not take (an owner the
 * portal lacks, a portal validation rule, an e-mail another contact holds). The gateway finds the
 * refused inputs, by name where HubSpot names them and by halving where it does not, writes the
 * others, and reports each refused one with HubSpot's reason.
 */
describe('hubspot batches refused for some of their records', () => {
  let fake: HubSpotFake
  let app: FastifyInstance

  beforeEach(async () => {
    fake = await HubSpotFake.start()
    app = await testApp({ connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, fieldMap } } })
  })
  afterEach(async () => {
    expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
    await app.close()
    await fake.close()
  })

  const send = (method: 'POST' | 'PUT', url: string, payload: unknown) => answer200(app, method, url, payload)
  const contacts = (n: number, refused: readonly number[], tag: string) =>
    Array.from({ length: n }, (_, i) => ({ externalId: `${tag}-${i}`, email: `${tag}.${i}@acme.example`, ownerId: refused.includes(i) ? NO_OWNER : '111' }))
  const emails = (store: ObjectStore) => new Set([...store.objects.values()].map((object) => object.properties.email))
  const named = (shape: string) => shape === 'named'

  for (const shape of ['named', 'unnamed'] as const) {
    describe(`HubSpot's refusal ${named(shape) ? 'names the refused input' : 'names only the property'}`, () => {
      beforeEach(() => {
        fake.contacts.namesInputs = named(shape)
        fake.companies.namesInputs = named(shape)
      })

      for (const n of [3, 100]) {
        it(`creates ${n - 1} of ${n} contacts and reports the one with an owner the portal lacks, with HubSpot's reason`, async () => {
          const bad = n === 3 ? 1 : 37
          const { results, errors } = await send('POST', '/contacts', { contacts: contacts(n, [bad], `c${n}`) })
          expect(errors).toEqual([{ externalId: `c${n}-${bad}`, error: expect.stringContaining(`${NO_OWNER} is not a valid owner id`), code: 'UPSTREAM_REJECTED' }])
          expect(results.map((r: { externalId: string }) => r.externalId)).toEqual(contacts(n, [], `c${n}`).map((c) => c.externalId).filter((id) => id !== `c${n}-${bad}`))
          const stored = emails(fake.contacts)
          expect(contacts(n, [], `c${n}`).filter((c) => stored.has(c.email)).map((c) => c.externalId)).toEqual(results.map((r: { externalId: string }) => r.externalId))
          const calls = fake.http.count('POST', CREATE.contacts)
          if (named(shape)) expect(calls).toBe(2)
          else expect(calls).toBeLessThanOrEqual(bisectionBound(n, 1))
        })

        it(`updates ${n - 1} of ${n} contacts and reports the one with an owner the portal lacks`, async () => {
          const ids = Array.from({ length: n }, (_, i) => fake.contacts.add({ email: `u${n}.${i}@acme.example`, firstname: 'Old' }).id)
          const bad = n === 3 ? 2 : 64
          const answer = await send('PUT', '/contacts', {
            contacts: ids.map((id, i) => ({ crmId: `hubspot.${id}`, firstName: 'New', ownerId: i === bad ? NO_OWNER : '111' })),
          })
          expect(answer.results).toEqual(ids.map((id, i) => ({ crmId: `hubspot.${id}`, success: i !== bad })))
          expect(answer.errors).toEqual([{ crmId: `hubspot.${ids[bad]}`, error: expect.stringContaining(`${NO_OWNER} is not a valid owner id`), code: 'UPSTREAM_REJECTED' }])
          expect(ids.map((id) => fake.contacts.objects.get(id)!.properties.firstname)).toEqual(ids.map((_, i) => (i === bad ? 'Old' : 'New')))
          const calls = fake.http.count('POST', UPDATE.contacts)
          if (named(shape)) expect(calls).toBe(2)
          else expect(calls).toBeLessThanOrEqual(bisectionBound(n, 1))
        })

        it(`creates and updates ${n - 1} of ${n} companies when a portal validation rule refuses one`, async () => {
          fake.companies.rules.push({ property: 'name', pattern: /^[^!]*$/, message: 'A company name may not contain "!"' })
          const bad = n === 3 ? 0 : 99
          const companies = Array.from({ length: n }, (_, i) => ({ externalId: `k${n}-${i}`, name: i === bad ? `Loud! ${i}` : `Quiet ${i}` }))
          const created = await send('POST', '/companies', { companies })
          expect(created.errors).toEqual([{ externalId: `k${n}-${bad}`, error: expect.stringContaining('A company name may not contain'), code: 'UPSTREAM_REJECTED' }])
          expect(created.results).toHaveLength(n - 1)
          expect([...fake.companies.objects.values()].filter((c) => c.properties.enginy_external_id?.startsWith(`k${n}-`))).toHaveLength(n - 1)
          const renamed = await send('PUT', '/companies', {
            companies: created.results.map((r: { crmId: string }, i: number) => ({ crmId: r.crmId, name: i === 1 ? 'Shout!' : `Renamed ${i}` })),
          })
          expect(renamed.errors).toEqual([{ crmId: created.results[1].crmId, error: expect.stringContaining('A company name may not contain'), code: 'UPSTREAM_REJECTED' }])
          expect(renamed.results.filter((r: { success: boolean }) => r.success)).toHaveLength(n - 2)
          const creates = fake.http.count('POST', CREATE.companies)
          const updates = fake.http.count('POST', UPDATE.companies)
          if (named(shape)) expect([creates, updates]).toEqual([2, 2])
          else {
            expect(creates).toBeLessThanOrEqual(bisectionBound(n, 1))
            expect(updates).toBeLessThanOrEqual(bisectionBound(n - 1, 1))
          }
        })
      }

      it('updates the other contacts when one takes an e-mail another contact holds (409 CONFLICT)', async () => {
        const holder = fake.contacts.add({ email: 'taken@acme.example' }).id
        const ids = Array.from({ length: 3 }, (_, i) => fake.contacts.add({ email: `mover.${i}@acme.example` }).id)
        const answer = await send('PUT', '/contacts', {
          contacts: ids.map((id, i) => ({ crmId: `hubspot.${id}`, email: i === 1 ? 'Taken@acme.example' : `moved.${i}@acme.example` })),
        })
        expect(answer.results.map((r: { success: boolean }) => r.success)).toEqual([true, false, true])
        expect(answer.errors).toEqual([{ crmId: `hubspot.${ids[1]}`, error: expect.stringContaining(`Existing ID: ${holder}`), code: 'UPSTREAM_REJECTED' }])
        expect(ids.map((id) => fake.contacts.objects.get(id)!.properties.email)).toEqual(['moved.0@acme.example', 'mover.1@acme.example', 'moved.2@acme.example'])
        const calls = fake.http.count('POST', UPDATE.contacts)
        if (named(shape)) expect(calls).toBe(2)
        else expect(calls).toBeLessThanOrEqual(bisectionBound(3, 1))
      })

      it('creates 97 of 100 contacts when three have owners the portal lacks', async () => {
        const bad = [5, 50, 98]
        const { results, errors } = await send('POST', '/contacts', { contacts: contacts(100, bad, 'm') })
        expect(errors.map((e: { externalId: string; code: string }) => [e.externalId, e.code])).toEqual(bad.map((i) => [`m-${i}`, 'UPSTREAM_REJECTED']))
        expect(results).toHaveLength(97)
        const stored = emails(fake.contacts)
        expect(contacts(100, bad, 'm').filter((c) => stored.has(c.email))).toHaveLength(97)
        const calls = fake.http.count('POST', CREATE.contacts)
        // HubSpot names the first refused input it meets: one more call for each.
        if (named(shape)) expect(calls).toBe(1 + bad.length)
        else expect(calls).toBeLessThanOrEqual(bisectionBound(100, bad.length))
      })
    })
  }

  it('refuses at once every contact that writes a property HubSpot says does not exist, and creates the others', async () => {
    const gone = await testApp({
      connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, fieldMap: { contacts: { leadScore: 'lead_score' } } } },
    })
    try {
      const payload = { contacts: Array.from({ length: 100 }, (_, i) => ({ externalId: `p-${i}`, email: `p.${i}@acme.example`, ...(i % 10 !== 0 && { leadScore: '7' }) })) }
      const { results, errors } = await answer200(gone, 'POST', '/contacts', payload)
      expect(results.map((r: { externalId: string }) => r.externalId)).toEqual(Array.from({ length: 10 }, (_, i) => `p-${i * 10}`))
      expect(errors).toHaveLength(90)
      expect(errors[0]).toEqual({ externalId: 'p-1', error: expect.stringContaining('Property \\"lead_score\\" does not exist'), code: 'UPSTREAM_REJECTED' })
      expect(fake.http.count('POST', CREATE.contacts)).toBe(2)
    } finally {
      await gone.close()
      // The fake counts a property the gateway writes without HubSpot having it as the gateway's fault.
      expect(fake.violations.splice(0)).toEqual([expect.stringContaining('contacts/batch/create: Property values were not valid: [{"isValid":false,"message":"Property \\"lead_score\\" does not exist"')])
    }
  })

  it('reports every input refused, within the stated bound, when HubSpot refuses every part for a reason about no input, its reason scrubbed', async () => {
    const healthy = fake.http.handler
    const message = `The batch could not be processed (sent with Bearer ${HUBSPOT_TOKEN})`
    fake.http.handler = (request) =>
      request.path === CREATE.contacts ? { status: 400, body: { status: 'error', message, correlationId: 'c0ffee', category: 'VALIDATION_ERROR' } } : healthy(request)
    const { results, errors } = await send('POST', '/contacts', { contacts: contacts(100, [], 'a') })
    expect(results).toEqual([])
    expect(errors).toHaveLength(100)
    expect(new Set(errors.map((e: { error: string; code: string }) => `${e.code} ${e.error}`))).toEqual(
      new Set(['UPSTREAM_REJECTED HubSpot refused the contact: The batch could not be processed (sent with [redacted]) (VALIDATION_ERROR)']),
    )
    expect(fake.http.count('POST', CREATE.contacts)).toBeLessThanOrEqual(bisectionBound(100, 100))
    expect(fake.contacts.objects.size).toBe(3)
  })

  describe('while splitting', () => {
    const adapter = (): AdapterV2 => adapterOf(app, 'hubspot')
    const options = (): { -readonly [K in keyof CallOptions]: CallOptions[K] } => ({ signal: new AbortController().signal, deadline: Date.now() + 60_000, warn: () => {} })
    const inputs = [0, 1, 2].map((i) => ({ externalId: `s-${i}`, email: `s.${i}@acme.example`, ownerId: i === 1 ? NO_OWNER : '111' }))

    it('sends nothing more once the deadline is near, and reports the inputs it could not try as upstream failures, not as refused', async () => {
      const call = options()
      const healthy: Handler = fake.http.handler
      fake.http.handler = async (request) => {
        // The deadline comes while HubSpot answers the first call.
        if (request.path === CREATE.contacts) call.deadline = Date.now()
        return healthy(request)
      }
      const results = await adapter().contacts!.doCreateMany(inputs, call)
      expect(results.map((result) => ('failed' in result ? result.failed.code : result))).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT'])
      expect(fake.http.count('POST', CREATE.contacts)).toBe(1)
      expect(fake.contacts.objects.size).toBe(3)
    })

    it('fails only the inputs of a part HubSpot fails, and keeps those already written', async () => {
      const healthy: Handler = fake.http.handler
      fake.http.handler = async (request) => {
        const traces = (request.body as { inputs?: { objectWriteTraceId: string }[] } | undefined)?.inputs?.map((input) => input.objectWriteTraceId)
        return request.path === CREATE.contacts && traces?.join() === '2' ? { status: 500, body: { status: 'error', message: 'internal error' } } : healthy(request)
      }
      const results = await adapter().contacts!.doCreateMany(inputs, options())
      expect(results.map((result) => ('ok' in result ? 'ok' : 'failed' in result ? result.failed.code : result))).toEqual(['ok', 'UPSTREAM_REJECTED', 'UPSTREAM_UNAVAILABLE'])
      expect(emails(fake.contacts).has('s.0@acme.example')).toBe(true)
    })
  })
})
