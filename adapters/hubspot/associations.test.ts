import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Handler, headers, testApp } from '../../src/kit/testing.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'

interface Answer {
  success: boolean
  created: number
  errors: { contactCRMId: string; companyCRMId: string; code: string }[]
}

/** Contacts linked to companies through HubSpot's default-association batch. */
describe('hubspot associations', () => {
  let fake: HubSpotFake
  let app: FastifyInstance
  let healthy: Handler

  beforeAll(async () => {
    fake = await HubSpotFake.start()
    healthy = fake.http.handler
    app = await testApp({ connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url } }, limits: { maxBatchRecords: 2000 } })
  })
  beforeEach(() => fake.http.reset())
  afterEach(() => {
    fake.http.handler = healthy
    expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  const link = async (pairs: [string, string][]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/associations',
      headers,
      payload: { associations: pairs.map(([contact, company]) => ({ contactCRMId: `hubspot.${contact}`, companyCRMId: `hubspot.${company}` })) },
    })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as Answer
  }
  const contacts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => fake.contacts.add({ email: `${tag}.${i}@links.example` }).id)

  it('links 1,000 pairs in two calls: one read of the contacts\' companies, one default-association batch', async () => {
    const company = fake.companies.add({ name: 'Many Links', domain: 'many.links.example' }).id
    const ids = contacts(1000, 'many')
    fake.http.reset()
    const answer = await link(ids.map((id) => [id, company]))
    expect(answer).toEqual({ success: true, created: 1000, errors: [] })
    expect(fake.http.requests.map((r) => r.path)).toEqual([
      '/crm/associations/2026-09/contacts/companies/batch/read',
      '/crm/associations/2026-09/contacts/companies/batch/associate/default',
    ])
    expect(fake.contactCompanies.companiesOf(ids[999]!)).toEqual([company])
  })

  it('tells created from existed, counts a pair named twice once, and reports missing records while the others are linked', async () => {
    const [a, b, c] = contacts(3, 'mixed')
    const company = fake.companies.add({ name: 'Mixed', domain: 'mixed.links.example' }).id
    expect((await link([[a!, company]])).created).toBe(1)
    fake.http.reset()
    const answer = await link([
      [a!, company],
      [b!, company],
      [b!, company],
      [c!, '79999999999'],
      ['59999999999', company],
    ])
    expect(answer.created).toBe(1)
    expect(answer.errors.map((e) => [e.contactCRMId, e.companyCRMId, e.code])).toEqual([
      [`hubspot.${c}`, 'hubspot.79999999999', 'RECORD_NOT_FOUND'],
      ['hubspot.59999999999', `hubspot.${company}`, 'RECORD_NOT_FOUND'],
    ])
    // The pairs HubSpot did not link are checked: their contacts and companies are read once.
    expect(fake.http.count('POST', '/crm/objects/2026-09/contacts/batch/read')).toBe(1)
    expect(fake.http.count('POST', '/crm/objects/2026-09/companies/batch/read')).toBe(1)
    expect(fake.contactCompanies.companiesOf(b!)).toEqual([company])
  })

  it('when HubSpot refuses a whole batch with a 400, links the pairs whose records exist, and reports the rest missing', async () => {
    const [a] = contacts(1, 'refused')
    const company = fake.companies.add({ name: 'Refused', domain: 'refused.links.example' }).id
    let refusals = 0
    fake.http.handler = async (request) =>
      request.path.endsWith('/associate/default') && refusals++ === 0
        ? { status: 400, body: { status: 'error', message: 'Could not find contacts: [59999999998]', category: 'VALIDATION_ERROR' } }
        : healthy(request)
    const answer = await link([
      [a!, company],
      ['59999999998', company],
    ])
    expect(answer.created).toBe(1)
    expect(answer.errors.map((e) => e.contactCRMId)).toEqual(['hubspot.59999999998'])
    expect(fake.http.count('POST', '/crm/associations/2026-09/contacts/companies/batch/associate/default')).toBe(2)
  })

  it("follows the pages of a contact's companies before calling a pair new", async () => {
    const [a] = contacts(1, 'paged')
    const many = Array.from({ length: 520 }, (_, i) => fake.companies.add({ name: `Paged ${i}`, domain: `paged-${i}.links.example` }).id)
    fake.contactCompanies.links.set(a!, new Set(many))
    fake.http.reset()
    const answer = await link([[a!, many[510]!]])
    expect(answer.created).toBe(0)
    expect(fake.http.count('POST', '/crm/associations/2026-09/contacts/companies/batch/read')).toBe(2)
    expect(fake.http.count('POST', '/crm/associations/2026-09/contacts/companies/batch/associate/default')).toBe(0)
  })
})
