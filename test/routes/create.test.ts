import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { headers, testApp } from '../helpers/app.ts'
import { countingMemory } from '../helpers/counting-memory.ts'

const DATE_400 = 'body/dueDate must be an ISO 8601 date or date-time'

describe('POST /tasks', () => {
  let app: FastifyInstance
  let count: () => number
  beforeEach(async () => {
    const memory = countingMemory()
    count = memory.writes
    app = await testApp({ limits: { bodyLimitBytes: 200_000 }, registry: memory.registry })
  })
  afterEach(() => app.close())

  const post = (payload: unknown, extra: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/tasks', headers: { ...headers, ...extra }, payload: payload as string })

  it('creates the example task of Enginy\'s page and answers 201 with it', async () => {
    // Its contact and company exist, sent as bare native ids; this connection lists no users, so
    // any owner is taken.
    const exported = async (kind: string) =>
      (await app.inject({ method: 'POST', url: `/${kind}`, headers, payload: { [kind]: [{ externalId: `${kind}-1` }] } })).json().results[0].crmId
    const contact = await exported('contacts')
    const company = await exported('companies')
    const res = await post({
      subject: 'Follow up with John',
      description: 'Discuss pricing proposal from last meeting',
      type: 'call',
      ownerId: 'user-123',
      dueDate: '2024-01-15T10:00:00Z',
      contactId: contact.slice('local.'.length),
      companyId: company.slice('local.'.length),
    })
    expect(res.statusCode).toBe(201)
    expect(res.headers['content-type']).toMatch(/application\/json/)
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^local\.[A-Za-z0-9_-]{22}$/),
      subject: 'Follow up with John',
      description: 'Discuss pricing proposal from last meeting',
      type: 'call',
      // References come back as the gateway's ids of those records, which Enginy may send too.
      ownerId: 'local.user-123',
      dueDate: '2024-01-15T10:00:00Z',
      contactId: contact,
      companyId: company,
      completed: false,
      completedAt: null,
    })
  })

  it('leaves unset optional fields out of the response and ignores unknown fields', async () => {
    const res = await post({ subject: 'Only a subject', priority: 'high', id: 'chosen-by-client', completed: true })
    expect(res.statusCode).toBe(201)
    const task = res.json()
    expect(Object.keys(task).sort()).toEqual(['completed', 'completedAt', 'id', 'subject'])
    expect(task.id).not.toBe('chosen-by-client')
    expect(task.completed).toBe(false)
  })

  it('answers every date in one form, UTC to the second: dueDate and completedAt alike', async () => {
    const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
    const task = (await post({ subject: 's', dueDate: '2024-01-15T10:00:00.250+01:00' })).json()
    expect(task.dueDate).toBe('2024-01-15T09:00:00Z')
    expect((await post({ subject: 's', dueDate: '2024-01-15T10:00:00.000Z' })).json().dueDate).toBe('2024-01-15T10:00:00Z')
    const done = (await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { completed: true } })).json()
    expect(done.completedAt).toMatch(SECOND)
    expect(done.dueDate).toMatch(SECOND)
  })

  it('takes due dates up to the last second of 9999 in UTC; past it, whatever the offset, is a 400 naming the field', async () => {
    expect((await post({ subject: 's', dueDate: '9999-12-31T23:59:59+23:59' })).json().dueDate).toBe('9999-12-31T00:00:59Z')
    expect((await post({ subject: 's', dueDate: '0000-01-01T00:00:00Z' })).json().dueDate).toBe('0000-01-01T00:00:00Z')
    for (const dueDate of ['9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+00:01']) {
      const res = await post({ subject: 's', dueDate })
      expect(res.statusCode, dueDate).toBe(400)
      expect(res.json(), dueDate).toEqual({ statusCode: 400, error: 'Bad Request', message: DATE_400, code: 'BAD_REQUEST' })
    }
    const task = (await post({ subject: 's' })).json()
    const patch = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { dueDate: '9999-12-31T23:59:59-23:59' } })
    expect(patch.json()).toMatchObject({ statusCode: 400, message: DATE_400 })
    expect(count()).toBe(3)
  })

  it.each([
    ['no subject', {}, "body must have required property 'subject'"],
    ['empty subject', { subject: '' }, 'body/subject must NOT have fewer than 1 characters'],
    ['long subject', { subject: 'x'.repeat(1001) }, 'body/subject must NOT have more than 1000 characters'],
    ['numeric subject', { subject: 42 }, 'body/subject must be string'],
    ['long description', { subject: 's', description: 'x'.repeat(65537) }, 'body/description must NOT have more than 65536 characters'],
    ['dueDate word', { subject: 's', dueDate: 'tomorrow' }, DATE_400],
    ['dueDate Feb 30', { subject: 's', dueDate: '2024-02-30' }, DATE_400],
    ['dueDate hour 25', { subject: 's', dueDate: '2024-01-15T25:00:00Z' }, DATE_400],
    ['dueDate in year 10000 in UTC', { subject: 's', dueDate: '9999-12-31T23:59:59-23:59' }, DATE_400],
    ['numeric ownerId', { subject: 's', ownerId: 123 }, 'body/ownerId must be string'],
    ['long contactId', { subject: 's', contactId: 'x'.repeat(257) }, 'body/contactId must NOT have more than 256 characters'],
    ['null type', { subject: 's', type: null }, 'body/type must be string'],
    ['array body', [{ subject: 's' }], 'body must be object'],
  ])('rejects a body with %s: 400 naming the field, nothing written', async (_label, body, message) => {
    const res = await post(body)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message, code: 'BAD_REQUEST' })
    expect(count()).toBe(0)
  })

  it('answers 400 to a body that is not JSON, 415 to another content type, 413 to a large body', async () => {
    const bad = await post('{"subject": ', { 'content-type': 'application/json' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' })

    const text = await post('subject=x', { 'content-type': 'text/plain' })
    expect(text.statusCode).toBe(415)
    expect(text.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', code: 'UNSUPPORTED_MEDIA_TYPE' })

    const large = await post({ subject: 's', description: 'x'.repeat(300_000) })
    expect(large.statusCode).toBe(413)
    expect(large.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large', code: 'BODY_TOO_LARGE' })
    expect(count()).toBe(0)
  })
})
