import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { PERSON_ID_READ_ONLY, PIPEDRIVE_TOKEN, PipedriveFake } from './fake/pipedrive.ts'

const connection = (fake: PipedriveFake, extra: Record<string, unknown> = {}) => ({
  adapter: 'pipedrive',
  apiToken: PIPEDRIVE_TOKEN,
  baseUrl: fake.url,
  typeMap: { call: 'call', email: 'email', meeting: 'meeting', todo: 'task', lunch: 'lunch' },
  defaultType: 'task',
  ...extra,
})

describe('pipedrive adapter', () => {
  let fake: PipedriveFake
  let app: FastifyInstance
  beforeAll(async () => {
    fake = await PipedriveFake.start()
    app = await testApp({ connections: { pipedrive: connection(fake, { concurrency: 4 }) } })
  })
  afterEach(() => {
    expect(fake.violations, 'requests Pipedrive would refuse').toEqual([])
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  const create = async (body: Record<string, unknown>, gateway = app) => {
    const res = await gateway.inject({ method: 'POST', url: '/tasks', headers, payload: body })
    expect(res.statusCode, res.body).toBe(201)
    return res.json()
  }
  const stored = (task: { id: string }) => fake.activities.get(Number(task.id.split('.')[1]))!

  it('creates an activity with the x-api-token, integer ids, due date and time in UTC, and the note as HTML', async () => {
    fake.http.reset()
    const task = await create({
      subject: 'Call Ann',
      description: 'Quote: 5 < 6 & "fine"\n<b>typed by a user</b>',
      type: 'call',
      ownerId: '1002',
      contactId: '32',
      companyId: '42',
      dueDate: '2024-03-10T23:30:00-05:00',
    })
    expect(fake.http.requests.at(-1)!.headers['x-api-token']).toBe(PIPEDRIVE_TOKEN)
    expect(stored(task)).toMatchObject({
      subject: 'Call Ann',
      type: 'call',
      owner_id: 1002,
      participants: [{ person_id: 32, primary: true }],
      person_id: 32,
      org_id: 42,
      due_date: '2024-03-11',
      due_time: '04:30',
      note: 'Quote: 5 &lt; 6 &amp; &quot;fine&quot;<br>&lt;b&gt;typed by a user&lt;/b&gt;',
    })
    expect(task).toMatchObject({
      description: 'Quote: 5 < 6 & "fine"\n<b>typed by a user</b>',
      dueDate: '2024-03-11T04:30:00Z',
      ownerId: 'pipedrive.1002',
      contactId: 'pipedrive.32',
      companyId: 'pipedrive.42',
    })
  })

  it('links the person as the primary participant, as the live API wants, and moves it on update', async () => {
    fake.http.reset()
    const task = await create({ subject: 'linked', contactId: '31', companyId: '41' })
    const sent = fake.http.requests.find((r) => r.method === 'POST')!.body as Record<string, unknown>
    expect(sent).not.toHaveProperty('person_id')
    expect(sent).toMatchObject({ participants: [{ person_id: 31, primary: true }], org_id: 41 })
    expect(stored(task)).toMatchObject({ person_id: 31, org_id: 41 })
    const moved = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '33' } })
    expect(moved.json()).toMatchObject({ contactId: 'pipedrive.33', companyId: 'pipedrive.41' })
    expect(stored(task)).toMatchObject({ participants: [{ person_id: 33, primary: true }], person_id: 33 })
  })

  it('has a fake that refuses person_id on activity writes with the live message', async () => {
    const { request } = await import('undici')
    const res = await request(`${fake.url}/api/v2/activities`, {
      method: 'POST',
      headers: { 'x-api-token': PIPEDRIVE_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'old style', person_id: 31 }),
    })
    expect(res.statusCode).toBe(400)
    expect(((await res.body.json()) as { error: string }).error).toBe(PERSON_ID_READ_ONLY)
    fake.violations.length = 0
  })

  it.each([
    ['2024-01-15T23:59:59+14:00', '2024-01-15', '09:59:59', '2024-01-15T09:59:59Z'],
    ['2024-01-15T00:30:00-12:00', '2024-01-15', '12:30', '2024-01-15T12:30:00Z'],
    ['2024-02-29', '2024-02-29', '00:00', '2024-02-29T00:00:00Z'],
    ['2024-12-31T22:00:00-03:00', '2025-01-01', '01:00', '2025-01-01T01:00:00Z'],
  ])('keeps the due moment %s as %s %s UTC', async (given, date, time, read) => {
    const task = await create({ subject: 'due', dueDate: given })
    expect(stored(task)).toMatchObject({ due_date: date, due_time: time })
    expect(task.dueDate).toBe(read)
  })

  it('reads an activity with a due date but no due time as midnight UTC', async () => {
    const task = await create({ subject: 'date only' })
    Object.assign(stored(task), { due_date: '2024-05-06', due_time: null })
    expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).json().dueDate).toBe('2024-05-06T00:00:00Z')
  })

  it('answers 422 naming the field for an id that is not a Pipedrive integer, or that Pipedrive does not hold, and writes nothing', async () => {
    fake.http.reset()
    for (const [field, value, message] of [
      ['contactId', 'contact-456', 'body/contactId names no contact of connection "pipedrive"'],
      ['companyId', '0', 'body/companyId names no company of connection "pipedrive"'],
      ['ownerId', 'user@example.com', 'ownerId must be a Pipedrive'],
    ]) {
      const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's', [field!]: value } })
      expect(res.statusCode).toBe(422)
      expect(res.json().message).toContain(message)
    }
    expect(fake.http.count('POST', '/api/v2/activities')).toBe(0)
    // Pipedrive checks the records a task names itself: its refusal is the 422, led by the field.
    const unknown = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's', contactId: '99' } })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json()).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/^body\/contactId: .*Person 99 not found/) })
  })

  it('falls back to defaultType for a type the account does not hold, and caches the account types', async () => {
    const gateway = await testApp({ connections: { pipedrive: connection(fake) } })
    try {
      fake.http.reset()
      const inactive = await create({ subject: 'lunch', type: 'lunch' }, gateway)
      const unmapped = await create({ subject: 'sms', type: 'sms' }, gateway)
      const known = await create({ subject: 'meet', type: 'meeting' }, gateway)
      expect(stored(inactive).type).toBe('task')
      expect(stored(unmapped).type).toBe('task')
      expect(stored(known).type).toBe('meeting')
      expect(inactive.type).toBe('todo')
      expect(fake.http.count('GET', '/api/v1/activityTypes')).toBe(1)
    } finally {
      await gateway.close()
    }
  })

  it('leaves soft-deleted activities out of batches and answers 404 for them', async () => {
    const kept = await create({ subject: 'kept' })
    const deleted = await create({ subject: 'deleted' })
    fake.delete(Number(deleted.id.split('.')[1]))
    const batch = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: [deleted.id, kept.id, 'pipedrive.123456'] } })
    expect(batch.json().map((task: { id: string }) => task.id)).toEqual([kept.id])
    expect((await app.inject({ method: 'GET', url: `/tasks/${deleted.id}`, headers })).statusCode).toBe(404)
    expect((await app.inject({ method: 'PATCH', url: `/tasks/${deleted.id}`, headers, payload: { completed: true } })).statusCode).toBe(404)
  })

  it('reads a batch of 1,000 ids with exactly 10 list calls of at most 100 ids', async () => {
    const ids = []
    for (let i = 0; i < 120; i++) ids.push((await create({ subject: `bulk ${i}` })).id)
    const asked = [...ids, ...Array.from({ length: 880 }, (_, i) => `pipedrive.${500_000 + i}`)]
    fake.http.reset()
    const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: asked } })
    expect(res.json().map((task: { id: string }) => task.id)).toEqual(ids)
    expect(fake.http.count('GET', '/api/v2/activities')).toBe(10)
    expect(fake.http.requests.every((r) => r.query.get('ids')!.split(',').length <= 100)).toBe(true)
  })

  it('waits out a 429 for the seconds x-ratelimit-reset gives, then succeeds', async () => {
    const task = await create({ subject: 'limited' })
    fake.http.reset()
    fake.http.queue.push({
      status: 429,
      headers: { 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
      body: { success: false, error: 'Request over limit', errorCode: 429 },
    })
    const res = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(res.statusCode).toBe(200)
    const [first, second] = fake.http.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('refuses a connection with neither an API token nor an OAuth app (oauth.test.ts has the rest)', async () => {
    const { apiToken: _token, ...neither } = connection(fake)
    await expect(testApp({ connections: { pipedrive: neither } })).rejects.toThrow(
      "config: connections.pipedrive: set apiToken, or an OAuth app's clientId, clientSecret and refreshToken",
    )
  })
})
