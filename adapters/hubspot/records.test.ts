import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CallOptions } from '../../src/kit/spec.ts'
import { adapterOf, answer200, type Handler, headers, testApp } from '../../src/kit/testing.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'

const fieldMap = {
  contacts: { externalId: 'enginy_external_id', campaignSequenceStatus: 'enginy_sequence_status' },
  companies: { externalId: 'enginy_external_id', industry: 'enginy_industry' },
}
const checkOptions = (): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: () => {} })

/** Contacts and companies as HubSpot records: what is written, matched, and refused. */
describe('hubspot contacts and companies', () => {
  let fake: HubSpotFake
  let app: FastifyInstance
  let healthy: Handler

  beforeAll(async () => {
    fake = await HubSpotFake.start()
    healthy = fake.http.handler
    app = await testApp({ connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, fieldMap } } })
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

  const send = (method: 'POST' | 'PUT', url: string, payload: unknown) => answer200(app, method, url, payload)
  const native = (crmId: string) => crmId.slice('hubspot.'.length)

  it('writes a contact\'s standard fields to HubSpot\'s properties, Enginy\'s id and mapped fields to the customer\'s, the owner resolved', async () => {
    const { results } = await send('POST', '/contacts', {
      contacts: [
        {
          externalId: 'X-1',
          email: '  Ana.Ruiz@Acme.example ',
          firstName: 'Ana',
          lastName: 'Ruiz',
          phone: '+34 600 000 000',
          company: 'Acme',
          title: 'Head of Sales',
          linkedinUrl: 'https://www.linkedin.com/in/ana-ruiz/',
          ownerId: 'ann@example.com',
          campaignSequenceStatus: 'IN_PROGRESS',
        },
      ],
    })
    expect(fake.contacts.objects.get(native(results[0].crmId))!.properties).toEqual({
      enginy_external_id: 'X-1',
      email: 'Ana.Ruiz@Acme.example',
      firstname: 'Ana',
      lastname: 'Ruiz',
      phone: '+34 600 000 000',
      company: 'Acme',
      jobtitle: 'Head of Sales',
      hs_linkedin_url: 'https://www.linkedin.com/in/ana-ruiz/',
      hubspot_owner_id: '111',
      enginy_sequence_status: 'IN_PROGRESS',
    })
  })

  it("writes a company's domain as the bare domain, its headcount as a number, its industry to the mapped text property", async () => {
    const { results } = await send('POST', '/companies', {
      companies: [{ externalId: 'C-1', name: 'Acme Inc', domain: 'https://www.Acme-Records.example:443/about', industry: 'Software', employeeCount: 120 }],
    })
    expect(fake.companies.objects.get(native(results[0].crmId))!.properties).toEqual({
      enginy_external_id: 'C-1',
      name: 'Acme Inc',
      domain: 'acme-records.example',
      enginy_industry: 'Software',
      numberofemployees: '120',
    })
    const search = fake.http.requests.find((r) => r.path.endsWith('/companies/search'))!
    expect(search.body).toMatchObject({ filterGroups: [{ filters: [{ propertyName: 'enginy_external_id', operator: 'IN', values: ['c-1'] }] }] })
  })

  it("drops a company's industry with a warning where fieldMap names no property: HubSpot's own industry is a dropdown", async () => {
    const plain = await testApp({ connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url } } })
    try {
      const res = await plain.inject({ method: 'POST', url: '/companies', headers, payload: { companies: [{ externalId: 'C-2', name: 'No Industry', industry: 'Software' }] } })
      expect(res.statusCode, res.body).toBe(200)
      expect(fake.companies.objects.get(native(res.json().results[0].crmId))!.properties).toEqual({ name: 'No Industry' })
    } finally {
      await plain.close()
    }
  })

  it('answers the existing contact when HubSpot refuses a create with a 409 (an e-mail added meanwhile), and creates the rest of the batch', async () => {
    const existing = fake.contacts.add({ email: 'raced@acme.example' }).id
    // The e-mail look-up before the create misses it, as if it was created in between.
    let misses = 0
    fake.http.handler = async (request) =>
      request.path.endsWith('/contacts/batch/read') && misses++ === 0 ? { status: 200, body: { status: 'COMPLETE', results: [] } } : healthy(request)
    const { results, errors } = await send('POST', '/contacts', {
      contacts: [
        { externalId: 'R-1', email: 'new.one@acme.example' },
        { externalId: 'R-2', email: 'Raced@Acme.example' },
        { externalId: 'R-3', email: 'new.two@acme.example' },
      ],
    })
    expect(errors).toEqual([])
    expect(results.map((r: { crmId: string }) => r.crmId)[1]).toBe(`hubspot.${existing}`)
    expect(new Set(results.map((r: { crmId: string }) => r.crmId)).size).toBe(3)
    expect([...fake.contacts.objects.values()].filter((c) => c.properties.email?.toLowerCase() === 'raced@acme.example')).toHaveLength(1)
    expect(fake.http.requests.map((r) => r.path.replace('/crm/objects/2026-09/contacts/', ''))).toEqual([
      // by externalId, then by e-mail (missed), the create (409), the e-mail read, the create again
      'search',
      'batch/read',
      'batch/create',
      'batch/read',
      'batch/create',
    ])
  })

  it("answers the existing company when the customer created the externalId property unique and HubSpot answers a 409", async () => {
    const definition = fake.properties.companies.get('enginy_external_id')!
    definition.hasUniqueValue = true
    try {
      const existing = fake.companies.add({ name: 'Unique Ltd', enginy_external_id: 'K-1' }).id
      // The look-up by externalId misses it (search lag), so the create is refused.
      let misses = 0
      fake.http.handler = async (request) =>
        request.path.endsWith('/companies/search') && misses++ === 0 ? { status: 200, body: { total: 0, results: [] } } : healthy(request)
      const { results, errors } = await send('POST', '/companies', { companies: [{ externalId: 'K-1', name: 'Unique Ltd' }, { externalId: 'K-2', name: 'Other Ltd' }] })
      expect(errors).toEqual([])
      expect(results.map((r: { crmId: string }) => r.crmId)[0]).toBe(`hubspot.${existing}`)
      expect([...fake.companies.objects.values()].filter((c) => c.properties.enginy_external_id === 'K-1')).toHaveLength(1)
      expect([...fake.companies.objects.values()].filter((c) => c.properties.enginy_external_id === 'K-2')).toHaveLength(1)
    } finally {
      definition.hasUniqueValue = false
    }
  })

  it('finds a company it created moments ago although HubSpot\'s search does not show it yet: exported twice, created once', async () => {
    const lagging = await HubSpotFake.start({ searchLagMs: 60_000 })
    const gateway = await testApp({ connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: lagging.url } } })
    try {
      const post = async (externalId: string) =>
        (await gateway.inject({ method: 'POST', url: '/companies', headers, payload: { companies: [{ externalId, domain: 'lagging.example', name: 'Lagging' }] } })).json()
      const first = await post('L-1')
      const second = await post('L-2')
      expect(second.results[0].crmId).toBe(first.results[0].crmId)
      expect([...lagging.companies.objects.values()].filter((c) => c.properties.domain === 'lagging.example')).toHaveLength(1)
    } finally {
      await gateway.close()
      await lagging.close()
    }
  })

  it("finds a company it created and then changed moments ago, by its new values, although HubSpot's search shows neither yet", async () => {
    const lagging = await HubSpotFake.start({ searchLagMs: 60_000 })
    const gateway = await testApp({ connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: lagging.url } } })
    try {
      const call = async (method: 'POST' | 'PUT', url: string, payload: object) => (await gateway.inject({ method, url, headers, payload })).json()
      const [made] = (await call('POST', '/companies', { companies: [{ externalId: 'R-1', domain: 'renamed.example', name: 'Before Ltd' }] })).results
      expect((await call('PUT', '/companies', { companies: [{ crmId: made.crmId, name: 'After Ltd' }] })).results).toEqual([{ crmId: made.crmId, success: true }])
      const synced = await call('POST', '/companies/sync', { companies: [{ externalId: 'S-1', name: 'after ltd' }, { externalId: 'S-2', domain: 'renamed.example' }] })
      expect(synced.results.map((r: { crmId: string }) => r.crmId)).toEqual([made.crmId, made.crmId])
      expect(synced.results[1].properties.name).toBe('After Ltd')
    } finally {
      await gateway.close()
      await lagging.close()
    }
  })

  it('syncs by LinkedIn URL in any of the forms HubSpot may hold it in, and by company name', async () => {
    fake.contacts.add({ email: 'li@acme.example', hs_linkedin_url: 'www.linkedin.com/in/li-match/' })
    fake.companies.add({ name: 'Named Company Ltd', domain: 'named.example' })
    const contacts = await send('POST', '/contacts/sync', { contacts: [{ externalId: 'S-1', linkedinUrl: 'https://es.linkedin.com/in/LI-Match?trk=x' }] })
    expect(contacts.results.map((r: { properties: { email: string } }) => r.properties.email)).toEqual(['li@acme.example'])
    const companies = await send('POST', '/companies/sync', { companies: [{ externalId: 'S-2', name: '  named   COMPANY ltd ' }] })
    expect(companies.results.map((r: { properties: { domain: string } }) => r.properties.domain)).toEqual(['named.example'])
  })

  it('updates each record once per batch, merging two patches of one record, and answers success: false for one HubSpot lacks', async () => {
    const { results } = await send('POST', '/contacts', { contacts: [{ externalId: 'U-1', email: 'update.me@acme.example', firstName: 'Old' }] })
    const crmId = results[0].crmId
    fake.http.reset()
    const answer = await send('PUT', '/contacts', {
      contacts: [
        { crmId, firstName: 'New' },
        { crmId: 'hubspot.59999999997', firstName: 'Nobody' },
        { crmId, lastName: 'Name' },
      ],
    })
    expect(answer.results).toEqual([
      { crmId, success: true },
      { crmId: 'hubspot.59999999997', success: false },
      { crmId, success: true },
    ])
    expect(fake.http.count('POST', '/crm/objects/2026-09/contacts/batch/update')).toBe(1)
    expect(fake.contacts.objects.get(native(crmId))!.properties).toMatchObject({ firstname: 'New', lastname: 'Name' })
  })

  it('checks at connections test, not in readiness probes, that HubSpot has every property the connection writes, naming each one it lacks', async () => {
    const adapter = (app: FastifyInstance) => adapterOf(app, 'hubspot')
    const wrong = await testApp({
      connections: {
        hubspot: {
          adapter: 'hubspot',
          accessToken: HUBSPOT_TOKEN,
          baseUrl: fake.url,
          fieldMap: { contacts: { linkedinUrl: 'linkedin_profile' }, companies: { leadScore: 'lead_score' } },
          messageIdProperty: 'hs_email_subject',
        },
      },
    })
    try {
      const failure = adapter(wrong).doCheck!(checkOptions())
      await expect(failure).rejects.toThrow('HubSpot has no contacts property "linkedin_profile", named by connections.hubspot.fieldMap.contacts.linkedinUrl')
      await expect(adapter(wrong).doCheck!(checkOptions())).rejects.toThrow('HubSpot has no companies property "lead_score", named by connections.hubspot.fieldMap.companies.leadScore')
      await expect(adapter(wrong).doCheck!(checkOptions())).rejects.toThrow('must be created with unique values')
      // A readiness probe of the same connection passes: its tasks still work.
      await expect(adapter(wrong).doCheck!({ ...checkOptions(), probe: true })).resolves.toBeUndefined()
    } finally {
      await wrong.close()
    }
    // A good connection: one read of each kind's definitions; a readiness probe, one cheap read
    // (a property missing must not take the tasks out of service).
    fake.http.reset()
    await adapter(app).doCheck!(checkOptions())
    expect(fake.http.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /crm/properties/2026-09/companies', 'GET /crm/properties/2026-09/contacts'])
    fake.http.reset()
    await adapter(app).doCheck!({ ...checkOptions(), probe: true })
    expect(fake.http.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /crm/objects/2026-09/tasks'])
  })
})
