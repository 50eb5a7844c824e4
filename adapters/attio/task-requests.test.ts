import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MockAttio, AT, COMPANY, MEMBER, NOTE, PERSON, TASK, WS, objects, options, task } from './fake/mock-answers.ts'

/** The exact requests of the task, note, member and check calls (`fake/mock-answers.ts`). */
let mock: MockAttio

beforeEach(async () => {
  mock = await MockAttio.start()
})

afterEach(() => mock.close())

describe('attio requests: tasks', () => {
  it('creates with content, deadline, linked records and the assignee, and reads the objects’ ids once', async () => {
    mock.expect('POST', '/v2/tasks', 200, { data: task() })
    mock.expect('GET', '/v2/objects', 200, objects)
    const made = await mock.adapter.tasks!.doCreate(
      { subject: 'Call Ana', description: 'About pricing', ownerId: MEMBER, contactId: PERSON, companyId: COMPANY, dueDate: Date.UTC(2026, 11, 24, 10) },
      options(),
    )
    expect(mock.bodies()[0]).toEqual({
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
    mock.expect('GET', `/v2/tasks/${TASK}`, 200, { data: task() })
    expect(await mock.adapter.tasks!.doGetMany([TASK], options())).toHaveLength(1)
  })

  it('moves a task to another contact keeping its company and its other links, with one PATCH after one read', async () => {
    const deals = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'
    const deal = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee'
    const linked = task().linked_records
    mock.expect('GET', `/v2/tasks/${TASK}`, 200, { data: task({ linked_records: [...linked, { target_object_id: deals, target_record_id: deal }] }) })
    mock.expect('GET', '/v2/objects', 200, objects)
    mock.expect('PATCH', `/v2/tasks/${TASK}`, 200, { data: task() })
    const other = '88888888-8888-4888-8888-888888888888'
    await mock.adapter.tasks!.doUpdate(TASK, { contactId: other, dueDate: Date.UTC(2027, 0, 1) }, options())
    expect(mock.bodies()[2]).toEqual({
      data: {
        deadline_at: '2027-01-01T00:00:00.000Z',
        linked_records: [
          { target_object: 'people', target_record_id: other },
          { target_object: 'companies', target_record_id: COMPANY },
          { target_object: deals, target_record_id: deal },
        ],
      },
    })
  })

  it('refuses a change of the content with a 422 naming the field, after one read and no write', async () => {
    mock.expect('GET', `/v2/tasks/${TASK}`, 200, { data: task() })
    mock.expect('GET', '/v2/objects', 200, objects)
    await expect(mock.adapter.tasks!.doUpdate(TASK, { subject: 'Call Bob', completed: true }, options())).rejects.toMatchObject({ statusCode: 422, message: expect.stringMatching(/^body\/subject: /) })
  })

  it('completes with one PATCH of is_completed, keeping Attio’s completed_at', async () => {
    mock.expect('PATCH', `/v2/tasks/${TASK}`, 200, { data: task({ is_completed: true, completed_at: '2026-12-06T11:00:00.000000000Z' }) })
    mock.expect('GET', '/v2/objects', 200, objects)
    const [done] = await mock.adapter.tasks!.doCompleteMany([TASK], true, options())
    expect(mock.bodies()[0]).toEqual({ data: { is_completed: true } })
    expect(done).toMatchObject({ completed: true, completedAt: Date.parse('2026-12-06T11:00:00Z') })
  })

  it('answers completedAt null where Attio’s answer lacks completed_at, as live answers are seen to', async () => {
    const { completed_at: _, ...without } = task({ is_completed: true })
    mock.expect('GET', `/v2/tasks/${TASK}`, 200, { data: without })
    mock.expect('GET', '/v2/objects', 200, objects)
    expect(await mock.adapter.tasks!.doGetMany([TASK], options())).toMatchObject([{ completed: true, completedAt: null }])
  })

  it('finds the task of a lost create in the list newest first, narrowed to its contact', async () => {
    mock.expect('GET', `/v2/tasks?sort=created_at%3Adesc&limit=500&offset=0&linked_object=people&linked_record_id=${PERSON}`, 200, { data: [task()] })
    mock.expect('GET', '/v2/objects', 200, objects)
    const input = { subject: 'Call Ana', description: 'About pricing', ownerId: MEMBER, contactId: PERSON, companyId: COMPANY, dueDate: Date.UTC(2026, 11, 24, 10) }
    const found = await mock.adapter.tasks!.createdLookup!.doFind({ input, createdAfter: Date.parse('2026-12-06T09:59:59Z') }, options())
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
    mock.expect('POST', '/v2/notes', 200, { data: note })
    const logged = await mock.adapter.activities!.doCreate(input, options())
    expect(mock.bodies()).toEqual([{ data: { parent_object: 'people', parent_record_id: PERSON, title: note.title, content: 'Hi & welcome', format: 'plaintext' } }])
    expect(logged).toEqual({ ...input, id: NOTE })
  })

  it('finds the note of a lost create among the person’s notes, 50 a page', async () => {
    mock.expect('GET', `/v2/notes?parent_object=people&parent_record_id=${PERSON}&limit=50&offset=0`, 200, { data: [note] })
    const found = await mock.adapter.activities!.createdLookup!.doFind({ input, createdAfter: Date.parse('2026-12-06T09:59:59Z') }, options())
    expect(found.map((a) => a.id)).toEqual([NOTE])
  })

  it('lists the workspace members who are not suspended', async () => {
    const member = (id: string, first: string, level: string) => ({ id: { workspace_id: WS, workspace_member_id: id }, first_name: first, last_name: 'X', avatar_url: null, email_address: `${first.toLowerCase()}@acme.io`, created_at: AT, access_level: level })
    mock.expect('GET', '/v2/workspace_members', 200, { data: [member(MEMBER, 'Ann', 'admin'), member(PERSON, 'Cat', 'suspended')] })
    expect(await mock.adapter.users!.doList(options())).toEqual([{ id: MEMBER, name: 'Ann X', email: 'ann@acme.io' }])
  })

  it('checks the token at /v2/self and each mapped slug against the attributes; an inactive token or a missing slug fails', async () => {
    const attribute = (api_slug: string, type = 'text', is_unique = false) => ({ api_slug, type, is_writable: true, is_unique, is_archived: false })
    mock.expect('GET', '/v2/self', 200, { active: true, workspace_slug: 'acme', workspace_id: WS })
    mock.expect('GET', '/v2/objects/people/attributes', 200, { data: [attribute('enginy_id', 'text', true)] })
    mock.expect('GET', '/v2/objects/companies/attributes', 200, { data: [attribute('enginy_id'), attribute('industry_text')] })
    await mock.adapter.doCheck!(options())
    expect(mock.adapter.contacts!.linkTo!(PERSON)).toBe(`https://app.attio.com/acme/person/${PERSON}`)
    mock.expect('GET', '/v2/self', 200, { active: true, workspace_slug: 'acme' })
    mock.expect('GET', '/v2/objects/people/attributes', 200, { data: [attribute('enginy_id', 'text', false)] })
    mock.expect('GET', '/v2/objects/companies/attributes', 200, { data: [attribute('enginy_id')] })
    await expect(mock.adapter.doCheck!(options())).rejects.toThrow(
      /fieldMap\.contacts: externalId → "enginy_id": the attribute is not unique.*fieldMap\.companies: industry → "industry_text": Attio's companies have no attribute with that slug/,
    )
    mock.expect('GET', '/v2/self', 200, { active: false })
    await expect(mock.adapter.doCheck!(options())).rejects.toMatchObject({ code: 'UPSTREAM_AUTH', failure: expect.stringContaining('not active') })
  })
})
