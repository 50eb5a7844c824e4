import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PIPEDRIVE_FIELDS, PipedriveFake } from './fake/pipedrive.ts'
import { type PipedriveGateway, pipedriveGateway } from './fake/gateway.ts'
import { adapterOf } from '../../src/kit/testing.ts'

type Answer = { results: { externalId: string; crmId: string; properties?: Record<string, unknown> }[]; errors: unknown[] }

describe('pipedrive contacts as persons', () => {
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

  const post = async (url: string, contacts: object[]) => {
    const res = await gw.send('POST', url, { contacts })
    expect(res.statusCode, res.body).toBe(200)
    const answer = res.json() as Answer
    expect(answer.errors).toEqual([])
    return answer.results
  }
  const exported = async (contacts: object[]) => (await post('/contacts', contacts)).map((r) => r.crmId)
  const person = (crmId: string) => fake.persons.records.get(Number(crmId.split('.')[1]))!
  const count = (method: string, path: string | RegExp) => fake.http.count(method, path)
  const searches = () => count('GET', '/api/v2/persons/search')

  it('writes the name, the primary e-mail and phone, the job title, and the LinkedIn URL and extra fields in the custom fields fieldMap names', async () => {
    gw.warnings()
    const [crmId] = await exported([
      {
        externalId: 'F-1',
        email: 'ana.ruiz@acme.example',
        firstName: 'Ana',
        lastName: 'Ruiz Vidal',
        phone: '+34 600 000 000',
        title: 'Head of Sales',
        linkedinUrl: 'https://www.linkedin.com/in/ana-ruiz-vidal/',
        company: 'Acme',
        campaignSequenceStatus: 'IN_PROGRESS',
      },
    ])
    expect(person(crmId!)).toMatchObject({
      name: 'Ana Ruiz Vidal',
      emails: [{ value: 'ana.ruiz@acme.example', primary: true }],
      phones: [{ value: '+34 600 000 000', primary: true }],
      job_title: 'Head of Sales',
      custom_fields: { [PIPEDRIVE_FIELDS.personLinkedin]: 'https://www.linkedin.com/in/ana-ruiz-vidal/', [PIPEDRIVE_FIELDS.personSequenceStatus]: 'IN_PROGRESS' },
    })
    expect(gw.warnings().map((w) => w.field), 'no field for the company name without fieldMap.contacts.company').toContain('company')
    const [found] = await post('/contacts/sync', [{ externalId: 'F-1', linkedinUrl: 'linkedin.com/in/ANA-RUIZ-VIDAL' }])
    expect(found).toMatchObject({
      crmId,
      properties: { firstName: 'Ana', lastName: 'Ruiz Vidal', title: 'Head of Sales', linkedinUrl: 'https://www.linkedin.com/in/ana-ruiz-vidal/', campaignSequenceStatus: 'IN_PROGRESS' },
    })
  })

  it('keeps the last name on an edit of the first name, and the other e-mails on an edit of the e-mail', async () => {
    const [crmId] = await exported([{ externalId: 'F-2', email: 'bo@beta.example', firstName: 'Bo', lastName: 'Berg' }])
    person(crmId!).emails.push({ value: 'bo.private@home.example', primary: false, label: 'home' })
    const update = async (fields: object) => {
      const res = await gw.send('PUT', '/contacts', { contacts: [{ crmId, ...fields }] })
      expect(res.json().results).toEqual([{ crmId, success: true }])
    }
    await update({ firstName: 'Bonnie' })
    expect(person(crmId!)).toMatchObject({ name: 'Bonnie Berg', first_name: 'Bonnie', last_name: 'Berg' })
    await update({ email: 'bonnie@beta.example' })
    expect(person(crmId!).emails).toEqual([
      { value: 'bonnie@beta.example', primary: true, label: 'work' },
      { value: 'bo.private@home.example', primary: false, label: 'home' },
    ])
  })

  it('makes one person of one e-mail: in one request, in two, at once; the second lookup settles with a list of changes, not a search', async () => {
    const [a, b] = await exported([
      { externalId: 'D-1', email: 'dup@dedupe.example', firstName: 'Dee' },
      { externalId: 'D-2', email: '  DUP@Dedupe.example ', firstName: 'Dee' },
    ])
    expect(b).toBe(a)
    fake.resetCounts()
    const [again] = await exported([{ externalId: 'D-3', email: 'Dup@dedupe.EXAMPLE', firstName: 'Dee' }])
    expect(again, 'a later export of the same e-mail answers the first person').toBe(a)
    expect({ searches: searches(), checks: count('GET', '/api/v2/persons'), creates: count('POST', '/api/v2/persons') }).toEqual({ searches: 0, checks: 1, creates: 0 })
    const atOnce = await Promise.all([0, 1, 2, 3, 4].map((i) => exported([{ externalId: `D-${10 + i}`, email: 'together@dedupe.example', firstName: 'Tog' }])))
    expect(new Set(atOnce.flat()).size, 'five exports of a new e-mail at once make one person').toBe(1)
    const holders = [...fake.persons.records.values()].filter((p) => p.emails.some((e) => /^\s*(dup|together)@dedupe\.example\s*$/i.test(e.value)))
    expect(holders).toHaveLength(2)
  })

  it('finds a person made in Pipedrive between a sync and the export that follows, instead of making a second', async () => {
    expect(await post('/contacts/sync', [{ externalId: 'M-1', email: 'meanwhile@late.example' }])).toEqual([])
    const made = fake.persons.insert({ name: 'Made By Hand', emails: [{ value: 'Meanwhile@Late.example', primary: true }] })
    fake.resetCounts()
    const [crmId] = await exported([{ externalId: 'M-1', email: 'meanwhile@late.example', firstName: 'Late' }])
    expect(crmId).toBe(`pipedrive.${made.id}`)
    expect({ searches: searches(), creates: count('POST', '/api/v2/persons') }).toEqual({ searches: 0, creates: 0 })
  })

  it('no longer answers a person for an e-mail Pipedrive changed since it was found', async () => {
    const [crmId] = await exported([{ externalId: 'C-1', email: 'old@changed.example', firstName: 'Cam' }])
    const changed = person(crmId!)
    changed.emails = [{ value: 'new@changed.example', primary: true, label: 'work' }]
    changed.update_time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    expect(await post('/contacts/sync', [{ externalId: 'C-1', email: 'old@changed.example' }])).toEqual([])
    const [fresh] = await exported([{ externalId: 'C-2', email: 'old@changed.example', firstName: 'Cam' }])
    expect(fresh).not.toBe(crmId)
    expect((await post('/contacts/sync', [{ externalId: 'C-1', email: 'new@changed.example' }])).map((r) => r.crmId)).toEqual([crmId])
  })

  it('names a contact without a name by its e-mail, with a warning', async () => {
    gw.warnings()
    const [crmId] = await exported([{ externalId: 'N-1', email: 'nameless@anon.example' }])
    expect(person(crmId!).name).toBe('nameless@anon.example')
    expect(gw.warnings()).toContainEqual(expect.objectContaining({ type: 'compatibility', field: 'firstName' }))
  })

  it('declares only the lookups its fieldMap allows', async () => {
    const plain = await pipedriveGateway(fake, { fieldMap: {} })
    try {
      const adapter = adapterOf(plain.app, 'pipedrive')
      expect(adapter.contacts!.capabilities).toMatchObject({ lookups: ['email'], unsupportedFields: ['linkedinUrl', 'company'] })
      expect(adapter.companies!.capabilities).toMatchObject({ lookups: ['name'], unsupportedFields: [] })
      const mapped = adapterOf(gw.app, 'pipedrive')
      expect(mapped.contacts!.capabilities.lookups).toEqual(['email', 'linkedinUrl'])
      expect(mapped.companies!.capabilities.lookups).toEqual(['domain', 'name'])
    } finally {
      await plain.close()
    }
  })
})
