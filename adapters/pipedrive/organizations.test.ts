import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PIPEDRIVE_FIELDS, PipedriveFake } from './fake/pipedrive.ts'
import { type PipedriveGateway, pipedriveGateway } from './fake/gateway.ts'

type Answer = { results: { externalId: string; crmId: string; properties?: Record<string, unknown> }[]; errors: unknown[] }

describe('pipedrive companies as organizations', () => {
  let fake: PipedriveFake
  let gw: PipedriveGateway
  beforeAll(async () => {
    fake = await PipedriveFake.start({ searchWindowMs: 200 })
    gw = await pipedriveGateway(fake, {}, 200)
  })
  afterEach(() => {
    expect(fake.violations, 'requests Pipedrive would refuse').toEqual([])
    expect(fake.searchLimited + fake.http.rateLimited, "requests over Pipedrive's burst limits").toBe(0)
  })
  afterAll(async () => {
    await gw.close()
    await fake.close()
  })

  const post = async (url: string, companies: object[], gateway = gw) => {
    const res = await gateway.send('POST', url, { companies })
    expect(res.statusCode, res.body).toBe(200)
    const answer = res.json() as Answer
    expect(answer.errors).toEqual([])
    return answer.results
  }
  const org = (crmId: string) => fake.orgs.records.get(Number(crmId.split('.')[1]))!
  /** The crmId of the one company exported. */
  const made = async (company: object, gateway = gw) => (await post('/companies', [company], gateway))[0]!.crmId

  it('keeps the domain as sent in the custom field fieldMap names, finds it in any form, and makes one organization of it', async () => {
    const crmId = await made({ externalId: 'O-1', name: 'Initech', domain: 'https://www.Initech.example/about', numberOfEmployees: 250 })
    expect(org(crmId)).toMatchObject({ name: 'Initech', employee_count: 250, custom_fields: { [PIPEDRIVE_FIELDS.orgDomain]: 'https://www.Initech.example/about' } })
    const again = await post('/companies', [{ externalId: 'O-2', name: 'Initech Corp', domain: 'initech.example' }])
    expect(again.map((r) => r.crmId), 'the same domain in another form is the same organization').toEqual([crmId])
    const [found] = await post('/companies/sync', [{ externalId: 'O-1', domain: 'HTTP://INITECH.EXAMPLE' }])
    expect(found).toMatchObject({ crmId, properties: { name: 'Initech', domain: 'https://www.Initech.example/about', numberOfEmployees: 250 } })
  })

  it('finds by name when the domain finds nothing, and names a company without a name by its domain, with a warning', async () => {
    const crmId = await made({ externalId: 'O-3', name: 'Vandelay Industries' })
    expect((await post('/companies/sync', [{ externalId: 'O-3', domain: 'vandelay.example', name: '  vandelay   INDUSTRIES ' }])).map((r) => r.crmId)).toEqual([crmId])
    gw.warnings()
    const unnamed = await made({ externalId: 'O-4', domain: 'https://www.Nameless.example/' })
    expect(org(unnamed).name).toBe('nameless.example')
    expect(gw.warnings()).toContainEqual(expect.objectContaining({ type: 'compatibility', field: 'name' }))
  })

  it("writes the industry as the built-in field's option of that label, reads the label back, and drops a label it has no option for", async () => {
    const crmId = await made({ externalId: 'O-5', name: 'Hooli', domain: 'hooli.example', industry: 'software' })
    expect(org(crmId).industry, 'the option id of "Software"').toBe(11)
    const [found] = await post('/companies/sync', [{ externalId: 'O-5', domain: 'hooli.example' }])
    expect(found!.properties!.industry).toBe('Software')
    gw.warnings()
    const res = await gw.send('PUT', '/companies', { companies: [{ crmId, industry: 'Alchemy' }] })
    expect(res.json().results).toEqual([{ crmId, success: true }])
    expect(gw.warnings()).toContainEqual(expect.objectContaining({ type: 'unsupported', field: 'industry' }))
    expect(org(crmId).industry, 'unchanged').toBe(11)
    expect(fake.http.count('GET', '/api/v1/organizationFields'), 'the options are read once and kept').toBe(1)
  })

  it("without fieldMap entries, keeps the domain in the built-in website and the LinkedIn page in the built-in linkedin, and looks companies up by name only", async () => {
    const plain = await pipedriveGateway(fake, { fieldMap: {} })
    try {
      const crmId = await made({ externalId: 'O-6', name: 'Pied Piper', domain: 'piedpiper.example', linkedinUrl: 'https://www.linkedin.com/company/pied-piper' }, plain)
      expect(org(crmId)).toMatchObject({ website: 'piedpiper.example', linkedin: 'https://www.linkedin.com/company/pied-piper', custom_fields: {} })
      const [found] = await post('/companies/sync', [{ externalId: 'O-6', name: 'Pied Piper' }], plain)
      expect(found!.properties).toMatchObject({ domain: 'piedpiper.example', linkedinUrl: 'https://www.linkedin.com/company/pied-piper' })
    } finally {
      await plain.close()
    }
  })
})
