import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'
import { adapterOf, headers, LINK_TOKEN, testApp, waitFor } from '../../src/kit/testing.ts'

/** Owners as Enginy's users, and record links into HubSpot's UI. */
describe('hubspot users and links', () => {
  let fake: HubSpotFake
  let app: FastifyInstance
  const connection = (extra: Record<string, unknown> = {}) => ({ hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, ...extra } })

  beforeAll(async () => {
    fake = await HubSpotFake.start()
    for (let i = 0; i < 248; i++) fake.owners.push({ id: String(1000 + i), email: `owner.${i}@example.com`, firstName: `Owner`, lastName: `${i}`, userId: 20_000 + i })
    app = await testApp({ connections: connection() })
  })
  beforeEach(() => fake.http.reset())
  afterEach(() => expect(fake.violations, 'requests HubSpot would refuse').toEqual([]))
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  it('lists every owner, page after page, then answers from its cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/users', headers })
    expect(res.statusCode, res.body).toBe(200)
    const users = res.json() as { id: string; name: string; email: string }[]
    expect(users).toHaveLength(250)
    expect(users[0]).toEqual({ id: 'hubspot.111', name: 'Ann Lee', email: 'ann@example.com' })
    expect(users.at(-1)).toEqual({ id: 'hubspot.1247', name: 'Owner 247', email: 'owner.247@example.com' })
    expect(fake.http.requests.map((r) => `${r.path}?${r.query}`)).toEqual([
      '/crm/owners/2026-09?limit=100&archived=false',
      '/crm/owners/2026-09?limit=100&archived=false&after=100',
      '/crm/owners/2026-09?limit=100&archived=false&after=200',
    ])
    expect((await app.inject({ method: 'GET', url: '/users', headers })).json()).toHaveLength(250)
    expect(fake.http.requests).toHaveLength(3)
  })

  /** A gateway whose tenant has links, waiting until its links redirect: the portal is learned outside any request. */
  const linked = async (extra: Record<string, unknown> = {}) => {
    const gateway = await testApp({ connections: connection(extra), auth: { linkTokens: LINK_TOKEN } })
    await waitFor(async () => (await gateway.inject({ method: 'GET', url: link('contacts/hubspot.501') })).statusCode === 302)
    return gateway
  }
  const link = (path: string) => `/links/${LINK_TOKEN}/${path}`

  it('redirects to the record in HubSpot, with the portal read once from the account-info API, and no call on a link', async () => {
    const gateway = await linked()
    try {
      expect(fake.http.requests.map((r) => r.path)).toEqual(['/account-info/2026-09/details'])
      fake.http.reset()
      const contact = await gateway.inject({ method: 'GET', url: link('contacts/hubspot.501') })
      expect(contact.statusCode).toBe(302)
      expect(contact.headers.location).toBe(`https://app.hubspot.com/contacts/${fake.portalId}/record/0-1/501`)
      const company = await gateway.inject({ method: 'GET', url: link('companies/hubspot.701') })
      expect(company.headers.location).toBe(`https://app.hubspot.com/contacts/${fake.portalId}/record/0-2/701`)
      // Any id of the right form, whether it exists or not: a link tells nobody which records exist.
      expect((await gateway.inject({ method: 'GET', url: link('companies/hubspot.59999999999') })).statusCode).toBe(302)
      expect((await gateway.inject({ method: 'GET', url: link('companies/hubspot.abc') })).statusCode).toBe(404)
      expect(fake.http.requests).toHaveLength(0)
    } finally {
      await gateway.close()
    }
  })

  it("uses the UI host of the portal's data-hosting region, and a configured portalId without any call", async () => {
    fake.uiDomain = 'app-eu1.hubspot.com'
    const eu = await linked()
    const configured = await testApp({ connections: connection({ portalId: 4242 }), auth: { linkTokens: LINK_TOKEN } })
    try {
      expect((await eu.inject({ method: 'GET', url: link('contacts/hubspot.501') })).headers.location).toBe(
        `https://app-eu1.hubspot.com/contacts/${fake.portalId}/record/0-1/501`,
      )
      fake.http.reset()
      expect(adapterOf(configured, 'hubspot').doLearnLinks, 'nothing to learn').toBeUndefined()
      const first = await configured.inject({ method: 'GET', url: link('contacts/hubspot.501') })
      expect(first.headers.location, 'from the first link on').toBe('https://app.hubspot.com/contacts/4242/record/0-1/501')
      expect(fake.http.requests).toHaveLength(0)
    } finally {
      fake.uiDomain = 'app.hubspot.com'
      await eu.close()
      await configured.close()
    }
  })
})
