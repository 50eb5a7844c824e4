import { request } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loseFirstCreate } from '../../../src/kit/testing.ts'
import { customAttribute } from './attributes.ts'
import { ATTIO_TOKEN, AttioFake, type AttioFakeOptions, isAttioCreate } from './server.ts'

/** The fake Attio over HTTP, as an adapter meets it: each modelled behaviour, so the fake itself
 * can be trusted. */

let fake: AttioFake

async function start(options: AttioFakeOptions = {}) {
  await fake?.close()
  fake = await AttioFake.start(options)
}

beforeEach(() => start())
afterEach(() => fake.close())

// biome-ignore lint/suspicious/noExplicitAny: the answers are Attio's JSON, checked field by field below
type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: any }

async function call(method: string, path: string, body?: unknown, token: string | null = ATTIO_TOKEN): Promise<Answer> {
  const res = await request(`${fake.url}${path}`, {
    method: method as 'GET',
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.body.text()
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

const values = (v: Record<string, unknown>) => ({ data: { values: v } })
const assertPerson = (v: Record<string, unknown>) => call('PUT', '/v2/objects/people/records?matching_attribute=email_addresses', values(v))
const query = (object: string, body: unknown) => call('POST', `/v2/objects/${object}/records/query`, body)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const NANOS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/
const errorBody = (status: number, type: string, code: string) => ({ status_code: status, type, code, message: expect.any(String) })

describe('credentials', () => {
  it('refuses a missing or unknown bearer token with a 401 in Attio’s error shape', async () => {
    for (const token of [null, 'not-the-token']) {
      const answer = await call('GET', '/v2/workspace_members', undefined, token)
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual(errorBody(401, 'auth_error', 'unauthorized'))
    }
  })

  it('identifies the token at /v2/self, and answers an unknown one as inactive', async () => {
    const known = await call('GET', '/v2/self')
    expect(known.status).toBe(200)
    expect(known.body).toMatchObject({ active: true, workspace_id: fake.workspace.id, workspace_slug: 'enginy-sandbox', token_type: 'Bearer' })
    expect(known.body.scope.split(' ')).toEqual(expect.arrayContaining(['record_permission:read-write', 'task:read-write', 'note:read-write', 'user_management:read']))
    const unknown = await call('GET', '/v2/self', undefined, 'revoked-token')
    expect(unknown).toMatchObject({ status: 200, body: { active: false } })
    expect((await call('GET', '/v2/self', undefined, null)).status).toBe(401)
  })
})

describe('records', () => {
  it('asserts a person by e-mail: creates once, then updates the record it finds', async () => {
    const created = await assertPerson({ email_addresses: ['Ann@Acme.io'], name: [{ first_name: 'Ann', last_name: 'Lee' }], job_title: 'CTO' })
    expect(created.status).toBe(200)
    const id = created.body.data.id.record_id
    expect(id).toMatch(UUID)
    expect(created.body.data).toMatchObject({ id: { workspace_id: fake.workspace.id, object_id: fake.people.objectId }, web_url: `https://app.attio.com/enginy-sandbox/person/${id}` })
    const email = created.body.data.values.email_addresses[0]
    expect(email).toMatchObject({ active_until: null, attribute_type: 'email-address', email_address: 'ann@acme.io', original_email_address: 'Ann@Acme.io', email_domain: 'acme.io' })
    expect(email.active_from).toMatch(NANOS)
    expect(email.created_by_actor).toEqual({ type: 'api-token', id: fake.workspace.tokenId })
    expect(created.body.data.values.name[0]).toMatchObject({ first_name: 'Ann', last_name: 'Lee', full_name: 'Ann Lee', attribute_type: 'personal-name' })
    expect(created.body.data.values.phone_numbers).toEqual([])

    const again = await assertPerson({ email_addresses: ['ann@acme.io', 'ann.lee@acme.io'], job_title: 'CEO' })
    expect(again.body.data.id.record_id).toBe(id)
    expect(again.body.data.values.job_title.map((v: { value: string }) => v.value)).toEqual(['CEO'])
    // The matching attribute's values are added to, never removed.
    expect(again.body.data.values.email_addresses.map((v: { email_address: string }) => v.email_address)).toEqual(['ann@acme.io', 'ann.lee@acme.io'])
    expect(fake.people.records.size).toBe(1)
  })

  it('refuses a create that repeats a unique value, and writes nothing', async () => {
    fake.seed('people', { email_addresses: ['bob@globex.io'] })
    const answer = await call('POST', '/v2/objects/people/records', values({ email_addresses: ['BOB@globex.io'] }))
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual(errorBody(400, 'invalid_request_error', 'uniqueness_conflict'))
    expect(fake.people.records.size).toBe(1)
  })

  it('answers an unknown attribute, matching attribute or value in Attio’s 400s', async () => {
    const unknown = await call('POST', '/v2/objects/people/records', values({ favourite_colour: 'blue' }))
    expect(unknown.body).toEqual(errorBody(400, 'invalid_request_error', 'value_not_found'))
    const matching = await call('PUT', '/v2/objects/people/records?matching_attribute=nope', values({ job_title: 'x' }))
    expect(matching.body).toMatchObject({ code: 'value_not_found', message: 'No attribute was found for matching_attribute slug/ID "nope".' })
    const notUnique = await call('PUT', '/v2/objects/people/records?matching_attribute=job_title', values({ job_title: 'x' }))
    expect(notUnique).toMatchObject({ status: 400, body: { code: 'validation_type' } })
    const badEmail = await assertPerson({ email_addresses: ['not-an-email'] })
    expect(badEmail).toMatchObject({ status: 400, body: { code: 'validation_type' } })
    const readOnly = await call('POST', '/v2/objects/people/records', values({ created_at: '2020-01-01' }))
    expect(readOnly.body).toEqual(errorBody(400, 'invalid_request_error', 'immutable_value'))
    const noCompany = await assertPerson({ email_addresses: ['c@x.io'], company: [{ target_object: 'companies', target_record_id: '00000000-0000-4000-8000-000000000000' }] })
    expect(noCompany.body.code).toBe('value_not_found')
    expect(fake.people.records.size).toBe(0)
    expect(fake.violations).toEqual([])
  })

  it('refuses a body outside its schema with a 400 and records the violation', async () => {
    const answer = await call('POST', '/v2/objects/people/records', { values: { job_title: 'x' } })
    expect(answer).toMatchObject({ status: 400, body: { status_code: 400, type: 'invalid_request_error', code: 'validation_type' } })
    expect(fake.violations).toHaveLength(1)
    expect((await call('GET', '/v2/objects/deals/records/00000000-0000-4000-8000-000000000000')).body).toEqual(errorBody(404, 'invalid_request_error', 'not_found'))
  })

  it('PATCH puts new multiselect values before the old, PUT by id replaces them, and an unknown id is a 404', async () => {
    const id = fake.seed('people', { email_addresses: ['a@acme.io'], job_title: 'Dev' })
    const patched = await call('PATCH', `/v2/objects/people/records/${id}`, values({ email_addresses: ['b@acme.io', 'a@acme.io'], job_title: 'Lead' }))
    expect(patched.body.data.values.email_addresses.map((v: { email_address: string }) => v.email_address)).toEqual(['b@acme.io', 'a@acme.io'])
    expect(patched.body.data.values.job_title.map((v: { value: string }) => v.value)).toEqual(['Lead'])
    const put = await call('PUT', `/v2/objects/people/records/${id}`, values({ email_addresses: ['c@acme.io'] }))
    expect(put.body.data.values.email_addresses.map((v: { email_address: string }) => v.email_address)).toEqual(['c@acme.io'])
    const missing = await call('PATCH', '/v2/objects/people/records/00000000-0000-4000-8000-000000000000', values({ job_title: 'x' }))
    expect(missing).toMatchObject({ status: 404, body: errorBody(404, 'invalid_request_error', 'not_found') })
  })

  it('makes or finds a new person’s company from the e-mail domain, but not for public mail or a named company', async () => {
    const first = await assertPerson({ email_addresses: ['ann@initech.io'] })
    const companyId = first.body.data.values.company[0].target_record_id
    const company = await call('GET', `/v2/objects/companies/records/${companyId}`)
    expect(company.body.data.values.domains[0]).toMatchObject({ domain: 'initech.io', root_domain: 'initech.io', created_by_actor: { type: 'system', id: null } })
    const second = await assertPerson({ email_addresses: ['bob@initech.io'] })
    expect(second.body.data.values.company[0].target_record_id).toBe(companyId)
    const team = (await call('GET', `/v2/objects/companies/records/${companyId}`)).body.data.values.team
    expect(team.map((v: { target_record_id: string }) => v.target_record_id).sort()).toEqual([first.body.data.id.record_id, second.body.data.id.record_id].sort())
    expect((await assertPerson({ email_addresses: ['cy@gmail.com'] })).body.data.values.company).toEqual([])
    const named = fake.seed('companies', { domains: ['hooli.io'], name: 'Hooli' })
    const linked = await assertPerson({ email_addresses: ['dee@piedpiper.io'], company: [{ target_object: 'companies', domains: [{ domain: 'hooli.io' }] }] })
    expect(linked.body.data.values.company[0].target_record_id).toBe(named)
    expect(fake.companies.records.size).toBe(2)
  })

  it('serves the object and its attributes, and writes a custom attribute by slug or id', async () => {
    const attributes = (await call('GET', '/v2/objects/people/attributes')).body.data
    expect(attributes.find((a: { api_slug: string }) => a.api_slug === 'email_addresses')).toMatchObject({ type: 'email-address', is_unique: true, is_multiselect: true, is_writable: true })
    expect(attributes.find((a: { api_slug: string }) => a.api_slug === 'record_id')).toMatchObject({ is_writable: false })
    const custom = customAttribute('enginy_id', 'text', { unique: true })
    fake.people.attributes.push(custom)
    const bySlug = await call('PUT', '/v2/objects/people/records?matching_attribute=enginy_id', values({ enginy_id: 'ext-1', job_title: 'A' }))
    const byId = await call('PUT', `/v2/objects/people/records?matching_attribute=${custom.id}`, values({ [custom.id]: 'ext-1', job_title: 'B' }))
    expect(byId.body.data.id.record_id).toBe(bySlug.body.data.id.record_id)
    expect(byId.body.data.values.enginy_id[0]).toMatchObject({ value: 'ext-1', attribute_type: 'text' })
    expect((await call('GET', `/v2/objects/${fake.people.objectId}`)).body.data).toMatchObject({ api_slug: 'people', singular_noun: 'Person' })
  })
})

describe('records query', () => {
  let ids: string[]
  beforeEach(() => {
    ids = ['ann', 'bob', 'cat', 'dan'].map((name, i) =>
      fake.seed('people', { email_addresses: [`${name}@acme.io`], name: [{ first_name: name, last_name: 'Z' }], linkedin: `https://linkedin.com/in/${name}` }, Date.now() - 10_000 + i),
    )
  })

  const emails = (answer: Answer) => answer.body.data.map((r: { values: { email_addresses: { email_address: string }[] } }) => r.values.email_addresses[0]!.email_address)

  it('finds records by an $or of e-mail equalities (case-insensitive), shorthand or verbose', async () => {
    const found = await query('people', { filter: { $or: [{ email_addresses: 'BOB@acme.io' }, { email_addresses: { email_address: { $eq: 'dan@acme.io' } } }, { email_addresses: 'nobody@acme.io' }] } })
    expect(emails(found)).toEqual(['bob@acme.io', 'dan@acme.io'])
    const linkedin = await query('people', { filter: { linkedin: { $in: ['https://linkedin.com/in/cat'] } } })
    expect(emails(linkedin)).toEqual(['cat@acme.io'])
  })

  it('reads records by id with record_id $in', async () => {
    const found = await query('people', { filter: { record_id: { $in: [ids[2], ids[0], '00000000-0000-4000-8000-000000000000'] } } })
    expect(found.body.data.map((r: { id: { record_id: string } }) => r.id.record_id)).toEqual([ids[0], ids[2]])
  })

  it('refuses operators a type does not take, unknown attributes, and a sort by updated_at, with filter_error', async () => {
    for (const body of [{ filter: { email_addresses: { $in: ['ann@acme.io'] } } }, { filter: { updated_at: { $gte: '2026-01-01' } } }, { sorts: [{ attribute: 'updated_at', direction: 'desc' }] }]) {
      const answer = await query('people', body)
      expect(answer.status).toBe(400)
      expect(answer.body).toEqual(errorBody(400, 'invalid_request_error', 'filter_error'))
    }
  })

  it('pages with limit and offset, in the order the sorts ask', async () => {
    const page = await query('people', { sorts: [{ attribute: 'name', field: 'first_name', direction: 'desc' }], limit: 2, offset: 1 })
    expect(emails(page)).toEqual(['cat@acme.io', 'bob@acme.io'])
    const byCreation = await query('people', { sorts: [{ attribute: 'created_at', direction: 'asc' }], limit: 500, offset: 3 })
    expect(emails(byCreation)).toEqual(['dan@acme.io'])
    expect((await query('people', { limit: 0 })).status).toBe(400)
  })

  it('holds new records out of queries while queryLagMs lasts, but not out of a get by id', async () => {
    await start({ queryLagMs: 60_000 })
    const id = (await assertPerson({ email_addresses: ['new@acme.io'] })).body.data.id.record_id
    expect((await query('people', { filter: { email_addresses: 'new@acme.io' } })).body.data).toEqual([])
    expect((await call('GET', `/v2/objects/people/records/${id}`)).status).toBe(200)
  })
})

describe('tasks', () => {
  let person: string
  let member: string
  beforeEach(() => {
    person = fake.seed('people', { email_addresses: ['ann@acme.io'] })
    member = fake.workspace.members[1]!.id
  })

  const createTask = (data: Record<string, unknown> = {}) =>
    call('POST', '/v2/tasks', {
      data: {
        content: 'Call Ann',
        format: 'plaintext',
        deadline_at: '2026-01-02T13:00',
        is_completed: false,
        linked_records: [{ target_object: 'people', target_record_id: person }],
        assignees: [{ referenced_actor_type: 'workspace-member', referenced_actor_id: member }],
        ...data,
      },
    })

  it('creates a task with its links, assignees and deadline in Attio’s forms', async () => {
    const answer = await createTask()
    expect(answer.status).toBe(200)
    expect(answer.body.data).toMatchObject({
      content_plaintext: 'Call Ann',
      deadline_at: '2026-01-02T13:00:00.000000000Z',
      is_completed: false,
      completed_at: null,
      linked_records: [{ target_object_id: fake.people.objectId, target_record_id: person }],
      assignees: [{ referenced_actor_type: 'workspace-member', referenced_actor_id: member }],
      created_by_actor: { type: 'api-token', id: fake.workspace.tokenId },
    })
    expect(answer.body.data.id.task_id).toMatch(UUID)
    const byEmail = await createTask({ linked_records: [{ target_object: 'people', email_addresses: [{ email_address: 'ann@acme.io' }] }], assignees: [{ workspace_member_email_address: 'bob@acme.example' }] })
    expect(byEmail.body.data).toMatchObject({ linked_records: [{ target_record_id: person }], assignees: [{ referenced_actor_id: member }] })
  })

  it('refuses content over 2,000 characters, a missing field, and a link to no record', async () => {
    expect((await createTask({ content: 'x'.repeat(2001) })).body).toEqual(errorBody(400, 'invalid_request_error', 'validation_type'))
    expect((await call('POST', '/v2/tasks', { data: { content: 'x', format: 'plaintext' } })).status).toBe(400)
    const noRecord = await createTask({ linked_records: [{ target_object: 'people', target_record_id: '00000000-0000-4000-8000-000000000000' }] })
    expect(noRecord.body).toEqual(errorBody(404, 'invalid_request_error', 'not_found'))
    expect(fake.tasks.tasks.size).toBe(0)
  })

  it('changes completion, deadline, links and assignees, but never content; completed_at follows completion', async () => {
    const id = (await createTask()).body.data.id.task_id
    const content = await call('PATCH', `/v2/tasks/${id}`, { data: { content: 'Changed' } })
    expect(content).toMatchObject({ status: 400, body: { code: 'validation_type' } })
    expect(fake.violations).toHaveLength(1)
    const done = await call('PATCH', `/v2/tasks/${id}`, { data: { is_completed: true } })
    const completedAt = done.body.data.completed_at
    expect(completedAt).toMatch(NANOS)
    const again = await call('PATCH', `/v2/tasks/${id}`, { data: { is_completed: true, deadline_at: null } })
    expect(again.body.data).toMatchObject({ completed_at: completedAt, deadline_at: null, content_plaintext: 'Call Ann' })
    expect((await call('PATCH', `/v2/tasks/${id}`, { data: { is_completed: false } })).body.data.completed_at).toBeNull()
    expect((await call('GET', '/v2/tasks/00000000-0000-4000-8000-000000000000')).body).toEqual(errorBody(404, 'invalid_request_error', 'not_found'))
  })

  it('lists tasks oldest first, filtered by linked record and completion, paged by limit and offset', async () => {
    const other = fake.seed('companies', { domains: ['globex.io'] })
    const ids: string[] = []
    for (const i of [0, 1, 2]) ids.push((await createTask({ content: `t${i}`, is_completed: i === 1 })).body.data.id.task_id)
    await createTask({ linked_records: [{ target_object: 'companies', target_record_id: other }] })
    const mine = await call('GET', `/v2/tasks?linked_object=people&linked_record_id=${person}&is_completed=false`)
    expect(mine.body.data.map((t: { id: { task_id: string } }) => t.id.task_id)).toEqual([ids[0], ids[2]])
    const page = await call('GET', `/v2/tasks?limit=2&offset=1&sort=created_at:asc`)
    expect(page.body.data.map((t: { content_plaintext: string }) => t.content_plaintext)).toEqual(['t1', 't2'])
    expect((await call('GET', `/v2/tasks?linked_object=people`)).status).toBe(400)
  })

  it('answers tasks without completed_at when asked to hold that deviation', async () => {
    fake.settings.omitTaskCompletedAt = true
    const answer = await createTask({ is_completed: true })
    expect(answer.body.data.is_completed).toBe(true)
    expect('completed_at' in answer.body.data).toBe(false)
  })
})

describe('notes', () => {
  let person: string
  beforeEach(() => {
    person = fake.seed('people', { email_addresses: ['ann@acme.io'] })
  })

  const note = (data: Record<string, unknown> = {}) =>
    call('POST', '/v2/notes', { data: { parent_object: 'people', parent_record_id: person, title: 'Email: Hello', format: 'plaintext', content: 'Hi Ann', ...data } })

  it('creates a note on its parent, backdated by created_at, but never in the future', async () => {
    const answer = await note({ created_at: '2026-03-01T10:00:00Z' })
    expect(answer.body.data).toMatchObject({ parent_object: 'people', parent_record_id: person, title: 'Email: Hello', content_plaintext: 'Hi Ann', created_at: '2026-03-01T10:00:00.000000000Z' })
    expect(answer.body.data.id.note_id).toMatch(UUID)
    expect((await note({ created_at: new Date(Date.now() + 3_600_000).toISOString() })).body.code).toBe('validation_type')
    expect((await note({ parent_record_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
  })

  it('lists a parent’s notes 10 at a time by default, at most 50', async () => {
    for (let i = 0; i < 12; i++) await note({ title: `n${i}` })
    const first = await call('GET', `/v2/notes?parent_object=people&parent_record_id=${person}`)
    expect(first.body.data).toHaveLength(10)
    const rest = await call('GET', `/v2/notes?parent_object=people&parent_record_id=${person}&limit=50&offset=10`)
    expect(rest.body.data.map((n: { title: string }) => n.title)).toEqual(['n10', 'n11'])
    expect((await call('GET', '/v2/notes?limit=51')).status).toBe(400)
  })
})

describe('workspace members', () => {
  it('lists every member in one answer, suspended ones included', async () => {
    const answer = await call('GET', '/v2/workspace_members')
    expect(answer.body.data.map((m: { access_level: string }) => m.access_level)).toEqual(['admin', 'member', 'suspended'])
    expect(answer.body.data[0]).toMatchObject({ id: { workspace_id: fake.workspace.id, workspace_member_id: expect.stringMatching(UUID) }, email_address: 'ann@acme.example' })
  })
})

describe('limits and failures', () => {
  it('answers writes past the per-second limit with 429, Attio’s body and a Retry-After date, while reads go on', async () => {
    await start({ writesPerSecond: 2 })
    const before = Date.now()
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => assertPerson({ email_addresses: [`p${i}@acme.io`] })))
    const limited = answers.filter((a) => a.status === 429)
    // Eight writes span at most two clock seconds, so at most four get through.
    expect(limited.length).toBeGreaterThanOrEqual(4)
    expect(fake.limits.limited).toBe(limited.length)
    expect(fake.people.records.size).toBe(8 - limited.length)
    for (const answer of limited) {
      expect(answer.body).toEqual({ status_code: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit exceeded, please try again later' })
      const retryAt = Date.parse(String(answer.headers['retry-after']))
      expect(retryAt % 1000).toBe(0)
      expect(retryAt).toBeGreaterThan(before)
    }
    expect((await call('GET', '/v2/workspace_members')).status).toBe(200)
  })

  it('rate-limits and fails calls on demand, without applying them', async () => {
    fake.rateLimitNext(1)
    expect((await assertPerson({ email_addresses: ['a@acme.io'] })).status).toBe(429)
    fake.failNext(1, 503, isAttioCreate)
    expect((await call('GET', '/v2/workspace_members')).status).toBe(200)
    const failed = await assertPerson({ email_addresses: ['a@acme.io'] })
    expect(failed).toMatchObject({ status: 503, body: { status_code: 503 } })
    expect(fake.people.records.size).toBe(0)
    expect((await assertPerson({ email_addresses: ['a@acme.io'] })).status).toBe(200)
    expect(fake.calls('PUT /v2/objects/people/records')).toBe(3)
  })

  it('applies a create whose answer it then loses', async () => {
    loseFirstCreate(fake.http, isAttioCreate, 'reset')
    await expect(assertPerson({ email_addresses: ['lost@acme.io'] })).rejects.toThrow()
    expect((await query('people', { filter: { email_addresses: 'lost@acme.io' } })).body.data).toHaveLength(1)
    expect(fake.calls('PUT /v2/objects/people/records')).toBe(1)
  })

  it('counts calls per route with ids as {id}', async () => {
    const id = fake.seed('people', { email_addresses: ['a@acme.io'] })
    await call('GET', `/v2/objects/people/records/${id}`)
    await call('GET', `/v2/objects/people/records/${id}`)
    expect(fake.calls('GET /v2/objects/people/records/{id}')).toBe(2)
    fake.resetCounts()
    expect(fake.calls('GET /v2/objects/people/records/{id}')).toBe(0)
  })
})
