import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'
import { headers, testApp } from '../../src/kit/testing.ts'

/**
 * What an export of 1,000 contacts and 300 companies costs in HubSpot calls, each export after a
 * sync (Enginy syncs first to learn what the CRM holds), on a Starter portal's limits: 100 calls a
 * 10-second window, and HubSpot's search limit held at the 4 a second the adapter declares.
 *
 * The minimum those limits allow, for the core's flow (a sync looks records up by each key in
 * turn; an export looks them up again by its unique keys, then creates what it did not find):
 *
 * | step | calls | why |
 * |---|---|---|
 * | contacts sync, by e-mail | 10 | 1,000 addresses, 100 per batch read keyed on `email` |
 * | contacts sync, by LinkedIn URL | 16 | 1,000 URLs in the 8 forms HubSpot may hold each in = 8,000 values, 500 per search (5 `IN` filters of 100) |
 * | contacts export | 20 | 10 requests (Enginy exports at most 100 contacts at once), each 1 e-mail batch read + 1 batch create of 100 |
 * | companies sync, by domain, then name | 2 | 300 domains, then 300 names: one search each (500 values) |
 * | companies export | 4 | 1 search by domain, 3 batch creates of 100 |
 * | total | 52 | of which 19 searches |
 */
describe('hubspot: the calls of a big export', () => {
  let fake: HubSpotFake
  let app: FastifyInstance

  beforeAll(async () => {
    fake = await HubSpotFake.start({ perWindow: 100, windowMs: 10_000, searchPerSecond: 4 })
    app = await testApp({
      connections: {
        hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, rateLimit: { requests: 100, intervalMs: 10_000 }, concurrency: 8 },
      },
      limits: { requestTimeoutMs: 30_000 },
    })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  const post = async (url: string, payload: unknown) => {
    const res = await app.inject({ method: 'POST', url, headers, payload: payload as object })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { results: { externalId: string; crmId: string }[]; errors: unknown[] }
  }

  it('exports 1,000 contacts and 300 companies, each after a sync, in the 52 calls the limits allow, never past the search limit', async () => {
    const contacts = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `E-${i}`,
      email: `person.${i}@bulk.example`,
      firstName: 'Person',
      lastName: `Number ${i}`,
      linkedinUrl: `https://www.linkedin.com/in/person-${i}`,
    }))
    const companies = Array.from({ length: 300 }, (_, i) => ({ externalId: `C-${i}`, domain: `company-${i}.bulk.example`, name: `Bulk Company ${i}` }))
    fake.http.reset()

    const contactSync = await post('/contacts/sync', { contacts })
    expect(contactSync).toEqual({ results: [], errors: [] })
    const exported = []
    for (let start = 0; start < contacts.length; start += 100) exported.push(...(await post('/contacts', { contacts: contacts.slice(start, start + 100) })).results)
    expect(new Set(exported.map((r) => r.crmId)).size).toBe(1000)
    expect((await post('/companies/sync', { companies })).results).toEqual([])
    expect(new Set((await post('/companies', { companies })).results.map((r) => r.crmId)).size).toBe(300)

    const calls = (path: string) => fake.http.count('POST', path)
    expect({
      contactReads: calls('/crm/objects/2026-09/contacts/batch/read'),
      contactSearches: calls('/crm/objects/2026-09/contacts/search'),
      contactCreates: calls('/crm/objects/2026-09/contacts/batch/create'),
      companySearches: calls('/crm/objects/2026-09/companies/search'),
      companyCreates: calls('/crm/objects/2026-09/companies/batch/create'),
    }).toEqual({ contactReads: 20, contactSearches: 16, contactCreates: 10, companySearches: 3, companyCreates: 3 })
    expect(fake.http.requests).toHaveLength(52)
    expect(fake.contacts.objects.size).toBe(1000 + 3)
    expect(fake.companies.objects.size).toBe(300 + 2)
    // Never past a limit: no 429 from the 10-second window, none from search's own.
    expect(fake.http.rateLimited).toBe(0)
    expect(fake.searchRateLimited).toBe(0)
    expect(peakPerSecond(fake.http.requests.filter((r) => r.path.endsWith('/search')).map((r) => r.at))).toBeLessThanOrEqual(4)
    expect(fake.violations).toEqual([])
  }, 60_000)
})

/** The most of `times` inside any one second. */
function peakPerSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b)
  let peak = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++
    peak = Math.max(peak, i - j + 1)
  }
  return peak
}
