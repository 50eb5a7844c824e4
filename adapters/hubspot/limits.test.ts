import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'
import { headers, testApp } from '../../src/kit/testing.ts'

/**
 * HubSpot's limits as the fake enforces them (so that the other tests prove something), and the
 * gateway's answer to HubSpot's search limit.
 */
describe('hubspot limits', () => {
  let fake: HubSpotFake
  beforeEach(async () => {
    fake = await HubSpotFake.start({ perWindow: 5, windowMs: 10_000, searchPerSecond: 2 })
  })
  afterEach(async () => {
    await fake.close()
  })

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${HUBSPOT_TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    return { status: res.status, headers: res.headers, body: (await res.json()) as { message?: string; category?: string; policyName?: string } }
  }
  const search = (values: string[]) => ({
    filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values }] }],
    properties: ['domain'],
    sorts: [],
    limit: 200,
    after: '0',
  })
  const inputs = (n: number) => ({ inputs: Array.from({ length: n }, (_, i) => ({ properties: { name: `n${i}` }, associations: [] })) })

  it('refuses batches over 100 inputs and IN filters over 100 values, as requests HubSpot would refuse', async () => {
    expect((await call('POST', '/crm/objects/2026-09/companies/batch/create', inputs(101))).status).toBe(400)
    expect((await call('POST', '/crm/objects/2026-09/companies/search', search(Array.from({ length: 101 }, (_, i) => `d${i}.example`)))).status).toBe(400)
    expect(fake.violations).toEqual(['companies/batch/create: Too many inputs: 101. The limit is 100.', 'companies/search: IN takes 1 to 100 values'])
    fake.violations.length = 0
  })

  it('answers a second create of an e-mail with a 409 naming the existing contact, and creates nothing of that batch', async () => {
    const body = (email: string) => ({ inputs: [{ properties: { email: 'fresh@acme.example' }, associations: [] }, { properties: { email }, associations: [] }] })
    const conflict = await call('POST', '/crm/objects/2026-09/contacts/batch/create', body('CONTACT501@example.org'))
    expect(conflict.status).toBe(409)
    expect(conflict.body).toMatchObject({ category: 'CONFLICT', message: 'Contact already exists. Existing ID: 501' })
    expect([...fake.contacts.objects.values()].some((c) => c.properties.email === 'fresh@acme.example')).toBe(false)
  })

  it('limits searches per second with a SECONDLY 429, apart from the 10-second window, which search does not count towards', async () => {
    const searches = [await call('POST', '/crm/objects/2026-09/companies/search', search(['a.example'])), await call('POST', '/crm/objects/2026-09/companies/search', search(['b.example']))]
    expect(searches.map((s) => s.status)).toEqual([200, 200])
    expect(searches[0]!.headers.get('x-hubspot-ratelimit-remaining')).toBeNull()
    const third = await call('POST', '/crm/objects/2026-09/companies/search', search(['c.example']))
    expect([third.status, third.body.policyName]).toEqual([429, 'SECONDLY'])
    // Five calls fill the 10-second window; the searches above took none of it.
    for (let i = 0; i < 5; i++) expect((await call('GET', '/crm/properties/2026-09/contacts')).status).toBe(200)
    const sixth = await call('GET', '/crm/properties/2026-09/contacts')
    expect([sixth.status, sixth.body.policyName]).toEqual([429, 'TEN_SECONDLY_ROLLING'])
  })

  it("waits out HubSpot's SECONDLY 429 on search and answers the sync, when the connection allows more searches than the portal", async () => {
    const app = await testApp({
      connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, rateLimits: { search: { requests: 50, intervalMs: 1000 } } } },
    })
    try {
      // Four syncs at once, each one search by name: twice what the portal takes in a second.
      const burst = await Promise.all(
        [0, 1, 2, 3].map((i) => app.inject({ method: 'POST', url: '/companies/sync', headers, payload: { companies: [{ externalId: `B-${i}`, name: `Burst ${i}` }] } })),
      )
      expect(burst.map((r) => r.statusCode)).toEqual([200, 200, 200, 200])
      expect(fake.searchRateLimited).toBeGreaterThan(0)
      expect(fake.http.count('POST', '/crm/objects/2026-09/companies/search')).toBe(4 + fake.searchRateLimited)
    } finally {
      await app.close()
    }
  })
})
