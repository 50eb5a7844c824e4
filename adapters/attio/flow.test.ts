import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { ATTIO_FIELD_MAP, addEnginyAttributes } from './fake/gateway.ts'
import { ATTIO_TOKEN, AttioFake } from './fake/server.ts'
import { callsByRoute } from './fake/counts.ts'

/**
 * Enginy's whole custom-CRM flow against the fake Attio at Attio's own limits (100 reads and 25
 * writes a second), the gateway listening on 127.0.0.1 and driven over HTTP: a sync, an export of
 * 20 companies and 100 contacts (5 and 30 of them made in Attio by hand beforehand), their
 * associations, an activity, tasks created, read back in a batch of 1,000 ids, completed and read
 * again, users and links. Each phase's calls are counted at the fake, by route, and printed.
 *
 * Against the minimum derived from Attio's API (one write per new record, there being no batch
 * write; one `records/query` can hold every key of a request): the sync takes 3 queries, one per
 * lookup the core runs in its order (externalId, e-mail, LinkedIn URL), against 1; each export
 * 2 queries (externalId, then the e-mail or domain of the records not found by it) and one assert
 * per new record, against 1 query and the same writes. For 100 new contacts and 20 new companies
 * that is 124 calls against 122; here, with 30 and 5 of them known, 89.
 */
const LINKS = 'attio-flow-link-token-0123456789abcdef'
const KNOWN_PEOPLE = 30
const KNOWN_COMPANIES = 5
const TASKS = 40

const companies = Array.from({ length: 20 }, (_, i) => ({ externalId: `C-${i}`, name: `Company ${i}`, domain: `https://www.company${i}.example/` }))
const contacts = Array.from({ length: 100 }, (_, i) => ({
  externalId: `L-${i}`,
  email: `lead${i}@company${i % 20}.example`,
  firstName: `Lead${i}`,
  lastName: 'Tester',
  title: 'Head of Sales',
  phone: `+3460000${String(i).padStart(4, '0')}`,
  ...(i % 10 === 5 && { linkedinUrl: `https://www.linkedin.com/in/lead-${i}` }),
}))
/** Ids of Attio's form that it never makes (it makes version 4 UUIDs). */
const missingTaskId = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`

let fake: AttioFake
let app: FastifyInstance
let base: string
const statuses: number[] = []

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: () => unknown; location: string | null }> {
  const res = await fetch(`${base}${path}`, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  statuses.push(res.status)
  const text = await res.text()
  return { status: res.status, json: () => JSON.parse(text), location: res.headers.get('location') }
}

beforeAll(async () => {
  fake = await AttioFake.start()
  addEnginyAttributes(fake)
  // Made in Attio's app: e-mails as typed there, no company yet.
  for (let i = 0; i < KNOWN_PEOPLE; i++) fake.seed('people', { email_addresses: [contacts[i]!.email.toUpperCase()], name: [{ first_name: `Known ${i}` }] })
  for (let i = 0; i < KNOWN_COMPANIES; i++) fake.seed('companies', { domains: [`company${i}.example`], name: `Known company ${i}` })
  app = await testApp({
    connections: { attio: { adapter: 'attio', accessToken: ATTIO_TOKEN, baseUrl: fake.url, concurrency: 8, fieldMap: ATTIO_FIELD_MAP } },
    auth: { linkTokens: LINKS },
    limits: { requestTimeoutMs: 60_000 },
  })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await app?.close()
  await fake?.close()
})

describe('attio: the whole flow over a socket, at Attio’s limits', () => {
  it('syncs, exports without a duplicate, links, logs, runs tasks in batches of 1,000, lists users and links, never a 429', async () => {
    const phases: Record<string, Record<string, number>> = {}
    const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      fake.resetCounts()
      const value = await work()
      phases[name] = callsByRoute(fake)
      return value
    }
    // Links are learned once at the start (GET /v2/self), outside any request.
    for (let tries = 0; tries < 100 && fake.calls('GET /v2/self') === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20))

    const synced = await phase('sync of 100 contacts', () => call('POST', '/contacts/sync', { contacts }))
    expect(synced.status).toBe(200)
    const found = (synced.json() as { results: { externalId: string }[] }).results
    expect(found.map((r) => r.externalId).sort(), 'sync finds the people made in Attio').toEqual(contacts.slice(0, KNOWN_PEOPLE).map((c) => c.externalId).sort())

    const companyExport = await phase('export of 20 companies', () => call('POST', '/companies', { companies }))
    const companyIds = new Map((companyExport.json() as { results: { externalId: string; crmId: string }[] }).results.map((r) => [r.externalId, r.crmId]))
    expect(companyIds.size).toBe(20)
    const contactExport = await phase('export of 100 contacts', () => call('POST', '/contacts', { contacts }))
    const answer = contactExport.json() as { results: { externalId: string; crmId: string }[]; errors: unknown[] }
    expect(answer.errors).toEqual([])
    const contactIds = new Map(answer.results.map((r) => [r.externalId, r.crmId]))
    expect(new Set(contactIds.values()).size, 'one person per contact').toBe(100)
    expect(fake.people.records.size, 'never a duplicate person').toBe(100)
    expect(fake.companies.records.size, 'never a duplicate company, and none made from an e-mail domain Enginy sent as a company').toBe(20)

    const pairs = contacts.map((c, i) => ({ contactCRMId: contactIds.get(c.externalId)!, companyCRMId: companyIds.get(`C-${i % 20}`)! }))
    const linked = await phase('100 associations', () => call('POST', '/associations', { associations: pairs }))
    // Attio linked each new person to the company of its e-mail domain itself; those made by hand had none.
    expect(linked.json()).toMatchObject({ success: true, created: KNOWN_PEOPLE, errors: [] })

    const activity = await phase('an activity', () =>
      call('POST', '/activities', { type: 'EMAIL', direction: 'OUTBOUND', subject: '[1/3] Hello', body: '<p>Hi</p>', contactId: pairs[0]!.contactCRMId, metadata: { messageId: 'm-1' } }),
    )
    expect(activity.status).toBe(201)

    const made = await phase(`${TASKS} tasks created`, async () => {
      const ids: string[] = []
      for (const [i, pair] of pairs.slice(0, TASKS).entries()) {
        const res = await call('POST', '/tasks', { subject: `Call ${i}`, dueDate: '2026-12-24T10:00:00Z', contactId: pair.contactCRMId })
        expect(res.status).toBe(201)
        ids.push((res.json() as { id: string }).id)
      }
      return ids
    })
    const missing = Array.from({ length: 1000 - TASKS }, (_, i) => `attio.${missingTaskId(i + 1)}`)
    const batch = [...missing.slice(0, 480), ...made, ...missing.slice(480)]
    const read = await phase('batch get of 1,000 ids (40 tasks)', () => call('POST', '/tasks/batch', { ids: batch }))
    expect((read.json() as { id: string }[]).map((t) => t.id)).toEqual(made)
    const completed = await phase('batch complete of 40 tasks', () => call('PATCH', '/tasks/batch', { ids: made, completed: true }))
    expect((completed.json() as { completed: boolean }[]).every((t) => t.completed)).toBe(true)
    const again = await phase('batch get of the 40 again', () => call('POST', '/tasks/batch', { ids: made }))
    expect((again.json() as { completedAt: string | null }[]).every((t) => typeof t.completedAt === 'string')).toBe(true)

    const users = await phase('users', () => call('GET', '/users'))
    expect((users.json() as { name: string }[]).map((u) => u.name), 'the suspended member is left out').toEqual(['Ann Archer', 'Bob Baker'])
    const link = await phase('a link', () => call('GET', `/links/${LINKS}/contacts/${pairs[0]!.contactCRMId}`))
    expect(link.status).toBe(302)
    expect(link.location).toMatch(/^https:\/\/app\.attio\.com\/enginy-sandbox\/person\/[0-9a-f-]{36}$/)

    console.log(`Attio calls per phase:\n${JSON.stringify(phases, null, 2)}`)
    expect(phases['sync of 100 contacts']).toEqual({ 'POST /v2/objects/people/records/query': 3 })
    expect(phases['export of 20 companies']).toEqual({ 'POST /v2/objects/companies/records/query': 2, 'PUT /v2/objects/companies/records': 15 })
    expect(phases['export of 100 contacts']).toEqual({ 'POST /v2/objects/people/records/query': 2, 'PUT /v2/objects/people/records': 70 })
    expect(phases['100 associations']).toEqual({ 'POST /v2/objects/people/records/query': 1, 'POST /v2/objects/companies/records/query': 1, 'PATCH /v2/objects/people/records/{id}': KNOWN_PEOPLE })
    expect(phases['an activity']).toEqual({ 'POST /v2/notes': 1 })
    expect(phases[`${TASKS} tasks created`]).toEqual({ 'POST /v2/tasks': TASKS, 'GET /v2/objects': 1 })
    expect(phases['batch get of 1,000 ids (40 tasks)']).toEqual({ 'GET /v2/tasks/{id}': 1000 })
    expect(phases['batch complete of 40 tasks']).toEqual({ 'GET /v2/tasks/{id}': TASKS, 'PATCH /v2/tasks/{id}': TASKS })
    expect(phases['batch get of the 40 again']).toEqual({ 'GET /v2/tasks/{id}': TASKS })
    expect(phases.users).toEqual({ 'GET /v2/workspace_members': 1 })
    expect(phases['a link']).toEqual({})
    expect(fake.limits.limited, 'no request was over Attio’s limits').toBe(0)
    expect(statuses.filter((status) => status === 429 || status >= 500), 'no 429 or 5xx reached the gateway’s answers').toEqual([])
    expect(fake.violations).toEqual([])
  }, 120_000)
})
