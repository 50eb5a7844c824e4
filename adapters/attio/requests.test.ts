import { MockAgent } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AdapterV2, CallOptions } from '../../src/kit/spec.ts'
import { testApp } from '../../src/kit/testing.ts'

/**
 * The exact requests the adapter sends for each call, against answers trimmed from the shapes of
 * Attio's OpenAPI file: undici's MockAgent with the network shut, so any request not listed here
 * fails the test.
 */
const ORIGIN = 'https://api.attio.com'
const TOKEN = 'attio-request-shape-token'
const AUTH = { authorization: `Bearer ${TOKEN}` }
const WS = '99999999-9999-4999-8999-999999999999'
const PERSON = '11111111-1111-4111-8111-111111111111'
const COMPANY = '22222222-2222-4222-8222-222222222222'
const TASK = '33333333-3333-4333-8333-333333333333'
const NOTE = '44444444-4444-4444-8444-444444444444'
const MEMBER = '55555555-5555-4555-8555-555555555555'
const PEOPLE_OBJECT = '66666666-6666-4666-8666-666666666666'
const COMPANIES_OBJECT = '77777777-7777-4777-8777-777777777777'
const AT = '2026-12-06T10:00:00.123456789Z'
const options = (): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: () => {} })

const value = (fields: Record<string, unknown>) => ({ active_from: AT, active_until: null, created_by_actor: { type: 'api-token', id: WS }, ...fields })
const record = (id: string, values: Record<string, Record<string, unknown>[]>) => ({
  id: { workspace_id: WS, object_id: PEOPLE_OBJECT, record_id: id },
  created_at: AT,
  web_url: `https://app.attio.com/acme/person/${id}`,
  values: Object.fromEntries(Object.entries(values).map(([slug, list]) => [slug, list.map(value)])),
})
const ana = record(PERSON, {
  email_addresses: [{ email_address: 'ana@acme.io', original_email_address: 'ana@acme.io', attribute_type: 'email-address' }],
  name: [{ first_name: 'Ana', last_name: 'Ruiz', full_name: 'Ana Ruiz', attribute_type: 'personal-name' }],
  job_title: [{ value: 'Head of Sales', attribute_type: 'text' }],
  enginy_id: [{ value: 'L-1', attribute_type: 'text' }],
  company: [{ target_object: 'companies', target_record_id: COMPANY, attribute_type: 'record-reference' }],
  // A type the adapter does not know is skipped.
  primary_location: [{ locality: 'Madrid', attribute_type: 'location' }],
})
const acme = record(COMPANY, { domains: [{ domain: 'acme.io', root_domain: 'acme.io' }], name: [{ value: 'Acme' }] })
const task = (fields: Record<string, unknown> = {}) => ({
  id: { workspace_id: WS, task_id: TASK },
  content_plaintext: 'Call Ana\n\nAbout pricing',
  deadline_at: '2026-12-24T10:00:00.000000000Z',
  is_completed: false,
  completed_at: null,
  linked_records: [
    { target_object_id: PEOPLE_OBJECT, target_record_id: PERSON },
    { target_object_id: COMPANIES_OBJECT, target_record_id: COMPANY },
  ],
  assignees: [{ referenced_actor_type: 'workspace-member', referenced_actor_id: MEMBER }],
  created_by_actor: { type: 'api-token', id: WS },
  created_at: AT,
  ...fields,
})
const objects = {
  data: [
    { id: { workspace_id: WS, object_id: PEOPLE_OBJECT }, api_slug: 'people' },
    { id: { workspace_id: WS, object_id: COMPANIES_OBJECT }, api_slug: 'companies' },
  ],
}

let agent: MockAgent
let adapter: AdapterV2
let sent: { method: string; path: string; body: unknown }[]

beforeEach(async () => {
  agent = new MockAgent()
  agent.disableNetConnect()
  sent = []
  const app = await testApp({
    connections: {
      attio: {
        adapter: 'attio',
        accessToken: TOKEN,
        fieldMap: { contacts: { externalId: 'enginy_id' }, companies: { externalId: 'enginy_id', industry: 'industry_text' } },
      },
    },
    dispatcher: agent,
  })
  adapter = app.gateway.current.runtime.connections.get('attio')!.adapter
})

afterEach(async () => {
  agent.assertNoPendingInterceptors()
  await agent.close()
})

/** A path with its query parameters decoded and in order, so that two spellings of one compare equal. */
function canonical(path: string): string {
  const url = new URL(path, ORIGIN)
  return `${url.pathname}?${[...url.searchParams].map(([k, v]) => `${k}=${v}`).sort().join('&')}`
}

/** Expects one request `method path` (query included) with the token, and answers it. */
function expectCall(method: string, path: string, status: number, answer: unknown) {
  agent
    .get(ORIGIN)
    .intercept({ method, path: (p) => canonical(p) === canonical(path), headers: AUTH })
    .reply((request) => {
      sent.push({ method, path, body: typeof request.body === 'string' ? JSON.parse(request.body) : undefined })
      return { statusCode: status, data: JSON.stringify(answer), responseOptions: { headers: { 'content-type': 'application/json' } } }
    })
}

const bodies = () => sent.map((request) => request.body)

describe('attio requests: records', () => {
  it('exports a contact with an e-mail by asserting on email_addresses, values in Attio’s write forms', async () => {
    expectCall('PUT', '/v2/objects/people/records?matching_attribute=email_addresses', 200, { data: ana })
    const [result] = await adapter.contacts!.doCreateMany(
      [{ externalId: ' L-1 ', email: ' Ana@ACME.io ', firstName: 'Ana', lastName: 'Ruiz', title: 'Head of Sales', phone: '+34 600 000 000', linkedinUrl: 'https://www.linkedin.com/in/ana ' }],
      options(),
    )
    expect(bodies()).toEqual([
      {
        data: {
          values: {
            email_addresses: ['ana@acme.io'],
            name: [{ first_name: 'Ana', last_name: 'Ruiz', full_name: 'Ana Ruiz' }],
            job_title: 'Head of Sales',
            phone_numbers: [{ original_phone_number: '+34 600 000 000' }],
            linkedin: 'https://www.linkedin.com/in/ana',
            enginy_id: 'L-1',
          },
        },
      },
    ])
    expect(result).toEqual({
      ok: { id: PERSON, createdAt: Date.parse('2026-12-06T10:00:00.123Z'), externalId: 'L-1', email: 'ana@acme.io', firstName: 'Ana', lastName: 'Ruiz', title: 'Head of Sales' },
    })
  })

  it('exports a company without a domain with a plain create', async () => {
    expectCall('POST', '/v2/objects/companies/records', 200, { data: acme })
    await adapter.companies!.doCreateMany([{ externalId: 'C-1', name: 'Acme', industry: 'Software' }], options())
    expect(bodies()).toEqual([{ data: { values: { name: 'Acme', enginy_id: 'C-1', industry_text: 'Software' } } }])
  })

  it('updates one part of a name by reading the person first: the other part stays', async () => {
    expectCall('GET', `/v2/objects/people/records/${PERSON}`, 200, { data: ana })
    expectCall('PATCH', `/v2/objects/people/records/${PERSON}`, 200, { data: ana })
    await adapter.contacts!.doUpdateMany([{ id: PERSON, fields: { firstName: 'Anabel' } }], options())
    expect(bodies()).toEqual([undefined, { data: { values: { name: [{ first_name: 'Anabel', last_name: 'Ruiz', full_name: 'Anabel Ruiz' }] } } }])
  })

  it('answers an update of a record Attio does not hold as missing', async () => {
    expectCall('PATCH', `/v2/objects/people/records/${PERSON}`, 404, { status_code: 404, type: 'invalid_request_error', code: 'not_found', message: 'Record not found.' })
    expect(await adapter.contacts!.doUpdateMany([{ id: PERSON, fields: { title: 'CEO' } }], options())).toEqual([{ missing: true }])
  })

  it('looks up by e-mail, externalId, LinkedIn URL and name with one query each', async () => {
    const query = '/v2/objects/people/records/query'
    expectCall('POST', query, 200, { data: [ana] })
    expectCall('POST', query, 200, { data: [] })
    expectCall('POST', query, 200, { data: [] })
    expectCall('POST', '/v2/objects/companies/records/query', 200, { data: [] })
    const found = await adapter.contacts!.doFind('email', ['ana@acme.io', 'bo@acme.io'], options())
    await adapter.contacts!.doFind('externalId', ['L-1', 'L-2'], options())
    await adapter.contacts!.doFind('linkedinUrl', ['linkedin.com/in/ana'], options())
    await adapter.companies!.doFind('name', ['acme', 'acme inc'], options())
    expect(found.map((r) => r.id)).toEqual([PERSON])
    expect(bodies()).toEqual([
      { filter: { $or: [{ email_addresses: { email_address: { $eq: 'ana@acme.io' } } }, { email_addresses: { email_address: { $eq: 'bo@acme.io' } } }] }, limit: 500, offset: 0 },
      { filter: { enginy_id: { value: { $in: ['L-1', 'L-2'] } } }, limit: 500, offset: 0 },
      { filter: { linkedin: { value: { $contains: 'linkedin.com/in/ana' } } }, limit: 500, offset: 0 },
      { filter: { $or: [{ name: { value: { $contains: 'acme' } } }, { name: { value: { $contains: 'acme inc' } } }] }, limit: 500, offset: 0 },
    ])
  })

  it('finds the record of a lost create by its creation time and keys', async () => {
    expectCall('POST', '/v2/objects/people/records/query', 200, { data: [ana] })
    const createdAfter = Date.parse('2026-12-06T09:59:59Z')
    const found = await adapter.contacts!.createdLookup!.doFind({ input: { externalId: 'L-1', email: 'ana@acme.io', firstName: 'Ana' }, createdAfter }, options())
    expect(found.map((r) => r.id)).toEqual([PERSON])
    expect(bodies()).toEqual([
      {
        filter: {
          $and: [
            { created_at: { $gte: '2026-12-06T09:59:59.000Z' } },
            { enginy_id: { value: { $in: ['L-1'] } } },
            { email_addresses: { email_address: { $eq: 'ana@acme.io' } } },
          ],
        },
        limit: 500,
        offset: 0,
      },
    ])
  })

  it('associates: one query of the people, one of the companies, a PATCH of each person not yet linked', async () => {
    const other = '88888888-8888-4888-8888-888888888888'
    expectCall('POST', '/v2/objects/people/records/query', 200, { data: [ana, record(other, {})] })
    expectCall('POST', '/v2/objects/companies/records/query', 200, { data: [acme] })
    expectCall('PATCH', `/v2/objects/people/records/${other}`, 200, { data: record(other, {}) })
    const results = await adapter.associations!.doAssociate(
      [
        { contactId: PERSON, companyId: COMPANY },
        { contactId: other, companyId: COMPANY },
        { contactId: PERSON, companyId: '00000000-0000-0000-0000-000000000000' },
      ],
      options(),
    )
    expect(results).toEqual([{ ok: 'existed' }, { ok: 'created' }, { missing: true }])
    expect(bodies()).toEqual([
      { filter: { record_id: { $in: [PERSON, other] } }, limit: 500, offset: 0 },
      { filter: { record_id: { $in: [COMPANY, '00000000-0000-0000-0000-000000000000'] } }, limit: 500, offset: 0 },
      { data: { values: { company: [{ target_object: 'companies', target_record_id: COMPANY }] } } },
    ])
  })
})

describe('attio requests: tasks', () => {
  it('creates with content, deadline, linked records and the assignee, and reads the objects’ ids once', async () => {
    expectCall('POST', '/v2/tasks', 200, { data: task() })
    expectCall('GET', '/v2/objects', 200, objects)
    const made = await adapter.tasks!.doCreate(
      { subject: 'Call Ana', description: 'About pricing', ownerId: MEMBER, contactId: PERSON, companyId: COMPANY, dueDate: Date.UTC(2026, 11, 24, 10) },
      options(),
    )
    expect(bodies()[0]).toEqual({
      data: {
        content: 'Call Ana\n\nAbout pricing',
        format: 'plaintext',
        deadline_at: '2026-12-24T10:00:00.000Z',
        is_completed: false,
        linked_records: [
          { target_object: 'people', target_record_id: PERSON },
          { target_object: 'companies', target_record_id: COMPANY },
        ],
        assignees: [{ referenced_actor_type: 'workspace-member', referenced_actor_id: MEMBER }],
      },
    })
    expect(made).toEqual({
      id: TASK,
      subject: 'Call Ana',
      description: 'About pricing',
      ownerId: MEMBER,
      contactId: PERSON,
      companyId: COMPANY,
      dueDate: Date.UTC(2026, 11, 24, 10),
      completed: false,
      completedAt: null,
    })
    expectCall('GET', `/v2/tasks/${TASK}`, 200, { data: task() })
    expect(await adapter.tasks!.doGetMany([TASK], options())).toHaveLength(1)
  })

  it('moves a task to another contact keeping its company, with one PATCH after one read', async () => {
    expectCall('GET', `/v2/tasks/${TASK}`, 200, { data: task() })
    expectCall('GET', '/v2/objects', 200, objects)
    expectCall('PATCH', `/v2/tasks/${TASK}`, 200, { data: task() })
    const other = '88888888-8888-4888-8888-888888888888'
    await adapter.tasks!.doUpdate(TASK, { contactId: other, dueDate: Date.UTC(2027, 0, 1) }, options())
    expect(bodies()[2]).toEqual({
      data: {
        deadline_at: '2027-01-01T00:00:00.000Z',
        linked_records: [
          { target_object: 'people', target_record_id: other },
          { target_object: 'companies', target_record_id: COMPANY },
        ],
      },
    })
  })

  it('refuses a change of the content with a 422 naming the field, after one read and no write', async () => {
    expectCall('GET', `/v2/tasks/${TASK}`, 200, { data: task() })
    expectCall('GET', '/v2/objects', 200, objects)
    await expect(adapter.tasks!.doUpdate(TASK, { subject: 'Call Bob', completed: true }, options())).rejects.toMatchObject({ statusCode: 422, message: expect.stringMatching(/^body\/subject: /) })
  })

  it('completes with one PATCH of is_completed, keeping Attio’s completed_at', async () => {
    expectCall('PATCH', `/v2/tasks/${TASK}`, 200, { data: task({ is_completed: true, completed_at: '2026-12-06T11:00:00.000000000Z' }) })
    expectCall('GET', '/v2/objects', 200, objects)
    const [done] = await adapter.tasks!.doCompleteMany([TASK], true, options())
    expect(bodies()[0]).toEqual({ data: { is_completed: true } })
    expect(done).toMatchObject({ completed: true, completedAt: Date.parse('2026-12-06T11:00:00Z') })
  })

  it('answers completedAt null where Attio’s answer lacks completed_at, as live answers are seen to', async () => {
    const { completed_at: _, ...without } = task({ is_completed: true })
    expectCall('GET', `/v2/tasks/${TASK}`, 200, { data: without })
    expectCall('GET', '/v2/objects', 200, objects)
    expect(await adapter.tasks!.doGetMany([TASK], options())).toMatchObject([{ completed: true, completedAt: null }])
  })

  it('finds the task of a lost create in the list newest first, narrowed to its contact', async () => {
    expectCall('GET', `/v2/tasks?sort=created_at%3Adesc&limit=500&offset=0&linked_object=people&linked_record_id=${PERSON}`, 200, { data: [task()] })
    expectCall('GET', '/v2/objects', 200, objects)
    const input = { subject: 'Call Ana', description: 'About pricing', ownerId: MEMBER, contactId: PERSON, companyId: COMPANY, dueDate: Date.UTC(2026, 11, 24, 10) }
    const found = await adapter.tasks!.createdLookup!.doFind({ input, createdAfter: Date.parse('2026-12-06T09:59:59Z') }, options())
    expect(found.map((t) => t.id)).toEqual([TASK])
  })
})

describe('attio requests: activities, users, the check', () => {
  const input = { type: 'EMAIL', direction: 'OUTBOUND' as const, subject: '[1/3] Hello', body: '<p>Hi &amp; welcome</p>', occurredAt: Date.UTC(2025, 2, 2, 9, 15), contactId: PERSON, companyId: COMPANY }
  const note = {
    id: { workspace_id: WS, note_id: NOTE },
    parent_object: 'people',
    parent_record_id: PERSON,
    title: 'Email (outbound) · 2025-03-02 09:15:00 UTC · [1/3] Hello',
    meeting_id: null,
    content_plaintext: 'Hi & welcome',
    content_markdown: 'Hi & welcome',
    tags: [],
    created_by_actor: { type: 'api-token', id: WS },
    created_at: AT,
  }

  it('logs an activity as a plain-text note on the person', async () => {
    expectCall('POST', '/v2/notes', 200, { data: note })
    const logged = await adapter.activities!.doCreate(input, options())
    expect(bodies()).toEqual([{ data: { parent_object: 'people', parent_record_id: PERSON, title: note.title, content: 'Hi & welcome', format: 'plaintext' } }])
    expect(logged).toEqual({ ...input, id: NOTE })
  })

  it('finds the note of a lost create among the person’s notes, 50 a page', async () => {
    expectCall('GET', `/v2/notes?parent_object=people&parent_record_id=${PERSON}&limit=50&offset=0`, 200, { data: [note] })
    const found = await adapter.activities!.createdLookup!.doFind({ input, createdAfter: Date.parse('2026-12-06T09:59:59Z') }, options())
    expect(found.map((a) => a.id)).toEqual([NOTE])
  })

  it('lists the workspace members who are not suspended', async () => {
    const member = (id: string, first: string, level: string) => ({ id: { workspace_id: WS, workspace_member_id: id }, first_name: first, last_name: 'X', avatar_url: null, email_address: `${first.toLowerCase()}@acme.io`, created_at: AT, access_level: level })
    expectCall('GET', '/v2/workspace_members', 200, { data: [member(MEMBER, 'Ann', 'admin'), member(PERSON, 'Cat', 'suspended')] })
    expect(await adapter.users!.doList(options())).toEqual([{ id: MEMBER, name: 'Ann X', email: 'ann@acme.io' }])
  })

  it('checks the token at /v2/self and each mapped slug against the attributes; an inactive token or a missing slug fails', async () => {
    const attribute = (api_slug: string, type = 'text', is_unique = false) => ({ api_slug, type, is_writable: true, is_unique, is_archived: false })
    expectCall('GET', '/v2/self', 200, { active: true, workspace_slug: 'acme', workspace_id: WS })
    expectCall('GET', '/v2/objects/people/attributes', 200, { data: [attribute('enginy_id', 'text', true)] })
    expectCall('GET', '/v2/objects/companies/attributes', 200, { data: [attribute('enginy_id'), attribute('industry_text')] })
    await adapter.doCheck!(options())
    expect(adapter.contacts!.linkTo!(PERSON)).toBe(`https://app.attio.com/acme/person/${PERSON}`)
    expectCall('GET', '/v2/self', 200, { active: true, workspace_slug: 'acme' })
    expectCall('GET', '/v2/objects/people/attributes', 200, { data: [attribute('enginy_id', 'text', false)] })
    expectCall('GET', '/v2/objects/companies/attributes', 200, { data: [attribute('enginy_id')] })
    await expect(adapter.doCheck!(options())).rejects.toThrow(
      /fieldMap\.contacts: externalId → "enginy_id": the attribute is not unique.*fieldMap\.companies: industry → "industry_text": Attio's companies have no attribute with that slug/,
    )
    expectCall('GET', '/v2/self', 200, { active: false })
    await expect(adapter.doCheck!(options())).rejects.toThrow(/not active/)
  })
})
