import type { FastifyInstance } from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { PIPEDRIVE_FIELDS, PIPEDRIVE_TOKEN, PipedriveFake } from './fake/pipedrive.ts'
import { headers, testApp } from '../../src/kit/testing.ts'

/**
 * Enginy's export of a campaign: a sync first (which of these does Pipedrive hold?), then the
 * export (at most 100 contacts per request), for 500 contacts and 100 companies, of which 100
 * persons and 20 organizations already exist in Pipedrive, made there by hand (the gateway has
 * never seen them). Pipedrive's limits hold at their real ratios (20 calls per window, search 10
 * per window, windows 13 times shorter than its 2 s to keep the test quick), and the daily token
 * budget is a one-seat Essential company's: 30,000.
 *
 * The minimum, in calls (tokens at the v2 costs: search 20, list 10, create 5):
 * - each key nothing else can settle is searched once: 500 e-mails, and the 40 LinkedIn URLs of
 *   the new contacts that have one (a contact not found by e-mail is looked up by LinkedIn URL);
 *   100 domains, and the 80 names of the companies not found by domain: 720 searches (14,400);
 * - the records found are read, as search answers lack the fields sync returns: in lists of 100
 *   ids, 2 (100 persons, 20 organizations; 10 tokens each);
 * - each new record is created once, Pipedrive having no batch create: 400 + 80 = 480 (2,400).
 * That is 1,202 calls and 16,820 tokens. The adapter spends 1,208 and 16,880: 6 lists of changes
 * (one per export request of up to 100 keys) that check what the sync found against Pipedrive as
 * it is now, so a record made meanwhile is not made twice. Without that memory
 * (`recall.ttlMs: 0`) each export searches every key again: 1,804 calls and 28,840 tokens.
 */
const WINDOW_MS = 150
/** Fake and gateway share one event loop here, so under a loaded machine arrivals jitter by up to
 * a hundred milliseconds: a margin as large as the window (the default, 50 ms, is 2.5% of
 * Pipedrive's real 2 s window, where that jitter is small). */
const MARGIN_MS = 150
const EXISTING_PERSONS = 100
const EXISTING_ORGS = 20
const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')

const contacts = Array.from({ length: 500 }, (_, i) => ({
  externalId: `L-${i}`,
  email: `lead${i}@company${i % 100}.example`,
  firstName: `Lead${i}`,
  lastName: 'Tester',
  title: 'Head of Sales',
  ...(i % 10 === 5 && { linkedinUrl: `https://www.linkedin.com/in/lead-${i}` }),
}))
const companies = Array.from({ length: 100 }, (_, i) => ({ externalId: `C-${i}`, name: `Company ${i}`, domain: `https://www.company${i}.example`, numberOfEmployees: 10 + i }))

interface Spent {
  calls: Record<string, number>
  total: number
  tokens: number
  /** 429s of either burst window or of the daily budget. */
  limited: number
}

/** The flow, under Pipedrive's limits (`limited`), or without any to count calls quickly. */
async function exportFlow({ recallTtlMs, limited }: { recallTtlMs?: number; limited: boolean }) {
  const limits = limited ? { burst: 20, windowMs: WINDOW_MS, searchBurst: 10, searchWindowMs: WINDOW_MS } : { searchBurst: 1_000_000 }
  const fake = await PipedriveFake.start({ ...limits, dailyTokens: 30_000 })
  // Made in Pipedrive's UI an hour ago: e-mails in other cases, domains as typed there.
  for (let i = 0; i < EXISTING_PERSONS; i++) {
    fake.persons.insert({ name: `Known ${i}`, emails: [{ value: contacts[i]!.email.toUpperCase(), primary: true }] }, HOUR_AGO)
  }
  for (let i = 0; i < EXISTING_ORGS; i++) {
    fake.orgs.insert({ name: `Known company ${i}`, custom_fields: { [PIPEDRIVE_FIELDS.orgDomain]: `company${i}.example` } }, HOUR_AGO)
  }
  for (let i = 0; i < 50; i++) fake.persons.insert({ name: `Someone else ${i}`, emails: [{ value: `other${i}@elsewhere.example`, primary: true }] }, HOUR_AGO)
  const app = await testApp({
    connections: {
      pipedrive: {
        adapter: 'pipedrive',
        apiToken: PIPEDRIVE_TOKEN,
        baseUrl: fake.url,
        concurrency: 8,
        ...(limited
          ? {
              rateLimit: { requests: 20, intervalMs: WINDOW_MS, marginMs: MARGIN_MS },
              rateLimits: { search: { requests: 10, intervalMs: WINDOW_MS, marginMs: MARGIN_MS } },
            }
          : { rateLimits: { search: { requests: 1_000_000, intervalMs: WINDOW_MS } } }),
        fieldMap: { contacts: { linkedinUrl: PIPEDRIVE_FIELDS.personLinkedin }, companies: { domain: PIPEDRIVE_FIELDS.orgDomain } },
        ...(recallTtlMs !== undefined && { recall: { ttlMs: recallTtlMs } }),
      },
    },
    // A sync of 500 unknown contacts takes 540 searches, 10 per window: longer than the default 15 s.
    limits: { requestTimeoutMs: 120_000 },
  })
  fake.resetCounts()
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers, payload })
    expect(res.statusCode, res.body).toBe(200)
    const answer = res.json() as { results: { externalId: string; crmId: string }[]; errors: unknown[] }
    expect(answer.errors).toEqual([])
    return new Map(answer.results.map((r) => [r.externalId, r.crmId]))
  }
  const spent = (): Spent => {
    const calls: Record<string, number> = {}
    for (const r of fake.http.requests) {
      const route = `${r.method} ${r.path}${r.query.has('updated_since') ? '?updated_since' : r.query.has('ids') ? '?ids' : ''}`
      calls[route] = (calls[route] ?? 0) + 1
    }
    const limited = fake.http.rateLimited + fake.searchLimited + fake.budgetLimited
    const result = { calls, total: fake.http.requests.length, tokens: fake.tokens, limited }
    fake.resetCounts()
    return result
  }

  // Between Enginy's requests the connection's window drains. Without it, the first searches
  // after a burst of creates are booked in search's window, then held back by the connection's,
  // and go out later than booked: the core's limiter then lets more than 10 reach Pipedrive in
  // one window (see the report: a change in src/upstream/rate-limit.ts is proposed).
  const drained = () => new Promise((resolve) => setTimeout(resolve, limited ? 2 * (WINDOW_MS + MARGIN_MS) : 0))
  const synced = await post('/contacts/sync', { contacts })
  const contactSync = spent()
  await drained()
  const exported = new Map<string, string>()
  for (let i = 0; i < contacts.length; i += 100) {
    for (const [externalId, crmId] of await post('/contacts', { contacts: contacts.slice(i, i + 100) })) exported.set(externalId, crmId)
  }
  const contactExport = spent()
  await drained()
  const companiesSynced = await post('/companies/sync', { companies })
  const companySync = spent()
  await drained()
  const companiesExported = await post('/companies', { companies })
  const companyExport = spent()
  const phases = [contactSync, contactExport, companySync, companyExport]
  const total = {
    calls: phases.reduce((sum, p) => sum + p.total, 0),
    tokens: phases.reduce((sum, p) => sum + p.tokens, 0),
    limited: phases.reduce((sum, p) => sum + p.limited, 0),
  }
  return { fake, app, synced, exported, companiesSynced, companiesExported, contactSync, contactExport, companySync, companyExport, total }
}

describe('pipedrive: an export with a sync first, 500 contacts and 100 companies', () => {
  const opened: { fake: PipedriveFake; app: FastifyInstance }[] = []
  afterAll(async () => {
    for (const { fake, app } of opened) {
      await app.close()
      await fake.close()
    }
  })

  it('finds what exists, creates the rest once, within the minimum calls and tokens stated, never a 429', async () => {
    const flow = await exportFlow({ limited: true })
    opened.push(flow)
    const { fake } = flow

    // What Enginy is answered.
    expect(flow.synced.size, 'sync finds the 100 persons made in Pipedrive').toBe(EXISTING_PERSONS)
    expect(flow.exported.size).toBe(500)
    for (const [externalId, crmId] of flow.synced) expect(flow.exported.get(externalId), 'an export answers the person sync found').toBe(crmId)
    expect(new Set(flow.exported.values()).size, 'one person per e-mail').toBe(500)
    expect([...fake.persons.records.values()].filter((p) => /@company\d+\.example$/i.test(p.emails[0]?.value ?? '')).length, 'never a duplicate').toBe(500)
    expect(flow.companiesSynced.size).toBe(EXISTING_ORGS)
    expect(new Set(flow.companiesExported.values()).size).toBe(100)
    expect(fake.orgs.records.size, 'two of the fake, 100 of the campaign').toBe(102)

    // What it cost.
    expect(flow.contactSync.calls).toEqual({ 'GET /api/v2/persons/search': 540, 'GET /api/v2/persons?ids': 1 })
    expect(flow.contactSync.tokens).toBe(540 * 20 + 10)
    expect(flow.contactExport.calls).toEqual({ 'GET /api/v2/persons?updated_since': 5, 'POST /api/v2/persons': 400 })
    expect(flow.contactExport.tokens).toBe(5 * 10 + 400 * 5)
    expect(flow.companySync.calls).toEqual({ 'GET /api/v2/organizations/search': 180, 'GET /api/v2/organizations?ids': 1 })
    expect(flow.companySync.tokens).toBe(180 * 20 + 10)
    expect(flow.companyExport.calls).toEqual({ 'GET /api/v2/organizations?updated_since': 1, 'POST /api/v2/organizations': 80 })
    expect(flow.companyExport.tokens).toBe(10 + 80 * 5)
    expect(flow.total, 'the minimum (1,202 calls, 16,820 tokens) and 6 checks of changes').toEqual({ calls: 1208, tokens: 16_880, limited: 0 })
    expect(fake.violations).toEqual([])
  }, 120_000)

  it('without the memory of lookups, each export searches every key again (counted without limits)', async () => {
    const flow = await exportFlow({ recallTtlMs: 0, limited: false })
    opened.push(flow)
    expect(flow.contactExport.calls['GET /api/v2/persons/search'], 'the export searches each e-mail again').toBe(500)
    expect(flow.companyExport.calls['GET /api/v2/organizations/search']).toBe(100)
    expect(flow.total, 'nearly the whole daily budget of a one-seat company').toEqual({ calls: 1804, tokens: 28_840, limited: 0 })
    expect(flow.exported.size).toBe(500)
    expect(flow.fake.persons.records.size, 'the same records, at a higher price').toBe(3 + EXISTING_PERSONS + 50 + 400)
    expect(flow.fake.violations).toEqual([])
  }, 120_000)
})
