import { readFileSync } from 'node:fs'
import { MockAgent } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AdapterV2, AdapterWarning, CallOptions } from '../../src/kit/spec.ts'
import { openTestAdapter } from '../../src/kit/testing.ts'

/**
 * The exact requests of the contacts, companies, associations, activities, users, links and
 * property checks, against recorded, trimmed answers: undici's MockAgent with the network shut,
 * so any request not listed here fails the test.
 */
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')
const ORIGIN = 'https://api.hubapi.com'
const JSON_HEADERS = { headers: { 'content-type': 'application/json' } }
const CONTACT_PROPERTIES = ['email', 'firstname', 'lastname', 'phone', 'company', 'jobtitle', 'hs_linkedin_url', 'hubspot_owner_id']
const COMPANY_PROPERTIES = ['name', 'domain', 'numberofemployees', 'linkedin_company_page', 'hubspot_owner_id']

describe('hubspot record, association, activity and portal requests', () => {
  let agent: MockAgent
  let warnings: AdapterWarning[]
  const options = (): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: (w) => warnings.push(w) })
  const open = (extra: Record<string, unknown> = {}): Promise<AdapterV2> =>
    openTestAdapter({ adapter: 'hubspot', accessToken: 'pat-test-token', ...extra }, { dispatcher: agent })
  /** Expects one request to `path`; records its query and body; answers `status` with a fixture. */
  const expectCall = (method: string, path: string, status: number, answer: string, seen: unknown[]) => {
    agent
      .get(ORIGIN)
      .intercept({ method, path: (p) => p.split('?')[0] === path, headers: { authorization: 'Bearer pat-test-token' } })
      .reply((request) => {
        seen.push({ query: String(request.path).split('?')[1] ?? '' })
        if (request.body) seen.push(JSON.parse(String(request.body)))
        return { statusCode: status, data: fixture(answer), responseOptions: JSON_HEADERS }
      })
  }
  const bodies = (seen: unknown[]) => seen.filter((s) => !(typeof s === 'object' && s !== null && 'query' in s))

  beforeEach(() => {
    agent = new MockAgent()
    agent.disableNetConnect()
    warnings = []
  })
  afterEach(async () => {
    agent.assertNoPendingInterceptors()
    await agent.close()
  })

  it('creates contacts with one batch/create: string properties, no associations, one trace id per input; results matched by trace id', async () => {
    const { contacts } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/create', 201, 'create-contacts-201.json', seen)
    const results = await contacts!.doCreateMany([{ externalId: 'X-1', email: 'ana@acme.example', firstName: 'Ana' }, { email: ' leo@acme.example', firstName: 'Leo' }], options())
    expect(bodies(seen)).toEqual([
      {
        inputs: [
          { properties: { email: 'ana@acme.example', firstname: 'Ana' }, associations: [], objectWriteTraceId: '0' },
          { properties: { email: 'leo@acme.example', firstname: 'Leo' }, associations: [], objectWriteTraceId: '1' },
        ],
      },
    ])
    expect(results.map((result) => ('ok' in result ? result.ok.id : result))).toEqual(['5451', '5452'])
  })

  it("answers a 409 CONFLICT with the existing contact, found by e-mail, and sends the rest again; an answer for an input it did not send is left out", async () => {
    const { contacts } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/create', 409, 'create-contacts-409.json', seen)
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/read', 207, 'read-contacts-by-email-207.json', seen)
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/create', 201, 'create-contacts-201.json', seen)
    const results = await contacts!.doCreateMany([{ email: 'Ana@Acme.example' }, { email: 'leo@acme.example' }], options())
    expect(bodies(seen).slice(1)).toEqual([
      // A 409 refuses the whole batch and names one contact: every input's address is looked up.
      { idProperty: 'email', properties: CONTACT_PROPERTIES, propertiesWithHistory: [], inputs: [{ id: 'ana@acme.example' }, { id: 'leo@acme.example' }] },
      { inputs: [{ properties: { email: 'leo@acme.example' }, associations: [], objectWriteTraceId: '1' }] },
    ])
    expect(results.map((result) => ('ok' in result ? result.ok.id : result))).toEqual(['5390', '5452'])
    expect(warnings.map((w) => w.message)).toEqual(['HubSpot answered for contacts 5451, which was not asked for; left out'])
  })

  it('takes a per-input CONFLICT of a multi-status answer, and reads the id its message names when the e-mail read misses it', async () => {
    const { contacts } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/create', 207, 'create-contacts-207-conflict.json', seen)
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/read', 207, 'read-contacts-none-207.json', seen)
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/read', 207, 'read-contacts-by-email-207.json', seen)
    const results = await contacts!.doCreateMany([{ email: 'mia@acme.example' }, { email: 'ana@acme.example' }], options())
    expect(bodies(seen)[2]).toEqual({ properties: CONTACT_PROPERTIES, propertiesWithHistory: [], inputs: [{ id: '5390' }] })
    expect(results.map((result) => ('ok' in result ? result.ok.id : result))).toEqual(['5453', '5390'])
  })

  it('finds contacts by e-mail with one batch read keyed on email, no search, leaving out what the 207 reports missing', async () => {
    const { contacts } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/read', 207, 'read-contacts-by-email-207.json', seen)
    const found = await contacts!.doFind('email', ['ana@acme.example', 'nobody@acme.example'], options())
    expect(bodies(seen)).toEqual([
      { idProperty: 'email', properties: CONTACT_PROPERTIES, propertiesWithHistory: [], inputs: [{ id: 'ana@acme.example' }, { id: 'nobody@acme.example' }] },
    ])
    expect(found).toEqual([
      { id: '5390', createdAt: Date.UTC(2023, 10, 2, 8), modifiedAt: Date.UTC(2024, 0, 10, 9), email: 'ana@acme.example', firstName: 'Ana', linkedinUrl: 'https://www.linkedin.com/in/ana-ruiz' },
    ])
  })

  it('finds companies by domain with one IN search, page after page', async () => {
    const { companies } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/companies/search', 200, 'search-companies-page-1.json', seen)
    expectCall('POST', '/crm/objects/2026-09/companies/search', 200, 'search-companies-page-2.json', seen)
    const found = await companies!.doFind('domain', ['acme.example', 'globex.example'], options())
    const search = (after: string) => ({
      filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN', values: ['acme.example', 'globex.example'] }] }],
      properties: COMPANY_PROPERTIES,
      sorts: [],
      limit: 200,
      after,
    })
    expect(bodies(seen)).toEqual([search('0'), search('2')])
    expect(found.map((company) => [company.id, company.domain, company.numberOfEmployees])).toEqual([
      ['8801', 'acme.example', 120],
      ['8802', 'globex.example', undefined],
      ['8803', 'acme.example', undefined],
    ])
  })

  it('looks a LinkedIn URL up in each form HubSpot may hold it in', async () => {
    const { contacts } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/contacts/search', 200, 'search-companies-page-2.json', seen)
    await contacts!.doFind('linkedinUrl', ['linkedin.com/in/ana-ruiz'], options())
    expect((bodies(seen)[0] as { filterGroups: unknown }).filterGroups).toEqual([
      {
        filters: [
          {
            propertyName: 'hs_linkedin_url',
            operator: 'IN',
            values: ['https://www.', 'https://', 'www.', ''].flatMap((prefix) => [`${prefix}linkedin.com/in/ana-ruiz`, `${prefix}linkedin.com/in/ana-ruiz/`]),
          },
        ],
      },
    ])
  })

  it('updates with one batch/update; an id the 207 reports missing is missing', async () => {
    const { contacts } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/contacts/batch/update', 207, 'update-contacts-207.json', seen)
    const results = await contacts!.doUpdateMany(
      [
        { id: '5390', fields: { firstName: 'Anabel' } },
        { id: '99999999999', fields: { firstName: 'Nobody' } },
      ],
      options(),
    )
    expect(bodies(seen)).toEqual([
      {
        inputs: [
          { id: '5390', properties: { firstname: 'Anabel' } },
          { id: '99999999999', properties: { firstname: 'Nobody' } },
        ],
      },
    ])
    expect(results.map((result) => ('ok' in result ? 'ok' : 'missing' in result ? 'missing' : 'failed'))).toEqual(['ok', 'missing'])
  })

  it("reads the contacts' companies first, then links only the new pairs with the default association", async () => {
    const { associations } = await open()
    const seen: unknown[] = []
    expectCall('POST', '/crm/associations/2026-09/contacts/companies/batch/read', 207, 'contact-companies-read-207.json', seen)
    expectCall('POST', '/crm/associations/2026-09/contacts/companies/batch/associate/default', 200, 'associate-default.json', seen)
    const results = await associations!.doAssociate(
      [
        { contactId: '5390', companyId: '8801' },
        { contactId: '5451', companyId: '8802' },
      ],
      options(),
    )
    expect(bodies(seen)).toEqual([{ inputs: [{ id: '5390' }, { id: '5451' }] }, { inputs: [{ from: { id: '5451' }, to: { id: '8802' } }] }])
    expect(results).toEqual([{ ok: 'existed' }, { ok: 'created' }])
  })

  it('logs an e-mail and a LinkedIn message with their properties, associations and message id', async () => {
    const { activities } = await open({ messageIdProperty: 'enginy_message_id' })
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/emails', 201, 'create-email.json', seen)
    expectCall('POST', '/crm/objects/2026-09/communications', 201, 'create-communication.json', seen)
    const at = Date.UTC(2025, 2, 2, 9, 15)
    const email = await activities!.doCreate(
      { type: 'EMAIL', direction: 'OUTBOUND', subject: '[1/3] Hello Ana', body: 'Hi Ana', occurredAt: at, contactId: '5390', companyId: '8801', messageId: 'm-88' },
      options(),
    )
    const linkedin = await activities!.doCreate({ type: 'LINKEDIN', body: 'Hi Ana', occurredAt: at, contactId: '5390' }, options())
    expect(bodies(seen)).toEqual([
      {
        properties: {
          hs_timestamp: '2025-03-02T09:15:00.000Z',
          hs_email_direction: 'EMAIL',
          hs_email_status: 'SENT',
          hs_email_subject: '[1/3] Hello Ana',
          hs_email_text: 'Hi Ana',
          enginy_message_id: 'm-88',
        },
        associations: [
          { to: { id: '5390' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] },
          { to: { id: '8801' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 186 }] },
        ],
      },
      {
        properties: { hs_timestamp: '2025-03-02T09:15:00.000Z', hs_communication_channel_type: 'LINKEDIN_MESSAGE', hs_communication_logged_from: 'CRM', hs_communication_body: 'Hi Ana' },
        associations: [{ to: { id: '5390' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 81 }] }],
      },
    ])
    expect([email.id, linkedin.id]).toEqual(['71200345678', '71200345679'])
  })

  it("finds a message again with a batch read of emails and of communications keyed on the message id property, and the email's contact and company", async () => {
    const { activities } = await open({ messageIdProperty: 'enginy_message_id' })
    const seen: unknown[] = []
    expectCall('POST', '/crm/objects/2026-09/emails/batch/read', 200, 'read-emails-by-message-id.json', seen)
    expectCall('POST', '/crm/objects/2026-09/communications/batch/read', 207, 'read-communications-none-207.json', seen)
    expectCall('POST', '/crm/associations/2026-09/emails/contacts/batch/read', 200, 'email-contacts-associations.json', seen)
    expectCall('POST', '/crm/associations/2026-09/emails/companies/batch/read', 207, 'email-companies-none-207.json', seen)
    const found = await activities!.doFindByMessageId!('m-88', options())
    expect(bodies(seen).filter((body) => JSON.stringify(body) === JSON.stringify({ inputs: [{ id: '71200345678' }] })), 'one association read of each kind').toHaveLength(2)
    expect(bodies(seen)).toContainEqual({
      idProperty: 'enginy_message_id',
      properties: ['enginy_message_id', 'hs_timestamp', 'hs_communication_channel_type', 'hubspot_owner_id'],
      propertiesWithHistory: [],
      inputs: [{ id: 'm-88' }],
    })
    expect(found).toEqual({
      id: '71200345678',
      type: 'EMAIL',
      direction: 'OUTBOUND',
      subject: '[1/3] Hello Ana',
      occurredAt: Date.UTC(2025, 2, 2, 9, 15),
      ownerId: '111',
      contactId: '501',
      messageId: 'm-88',
    })
  })

  it('lists owners page after page; record links wait for the portal, learned in one read, on its UI host', async () => {
    const adapter = await open()
    const { users, contacts } = adapter
    const seen: unknown[] = []
    expectCall('GET', '/crm/owners/2026-09', 200, 'owners-page-1.json', seen)
    expectCall('GET', '/crm/owners/2026-09', 200, 'owners-page-2.json', seen)
    expectCall('GET', '/account-info/2026-09/details', 200, 'account-details.json', seen)
    expect(await users!.doList(options())).toEqual([
      { id: '111', name: 'Ann Lee', email: 'ann@example.com' },
      { id: '222', name: 'bob@example.com', email: 'bob@example.com' },
      { id: '333', name: 'Owner 333' },
    ])
    expect(seen.slice(0, 2)).toEqual([{ query: 'limit=100&archived=false' }, { query: 'limit=100&archived=false&after=MTAw' }])
    expect(contacts!.linkTo!('5390'), 'no link before the portal is learned').toBeUndefined()
    await adapter.doLearnLinks!(options())
    expect(contacts!.linkTo!('5390')).toBe('https://app-eu1.hubspot.com/contacts/146231845/record/0-1/5390')
    expect(contacts!.linkTo!('5391')).toBe('https://app-eu1.hubspot.com/contacts/146231845/record/0-1/5391')
  })

  it("checks the properties it writes from the contacts' and companies' definitions; a readiness probe reads a task list of one", async () => {
    const adapter = await open()
    const seen: unknown[] = []
    expectCall('GET', '/crm/properties/2026-09/contacts', 200, 'properties-contacts.json', seen)
    expectCall('GET', '/crm/properties/2026-09/companies', 200, 'properties-companies.json', seen)
    agent.get(ORIGIN).intercept({ method: 'GET', path: '/crm/objects/2026-09/tasks?limit=1' }).reply(200, { results: [] }, JSON_HEADERS)
    await adapter.doCheck!(options())
    await adapter.doCheck!({ ...options(), probe: true })
    expect(seen).toEqual([{ query: 'archived=false' }, { query: 'archived=false' }])
  })
})
