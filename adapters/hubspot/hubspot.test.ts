import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'

const connection = (fake: HubSpotFake, extra: Record<string, unknown> = {}) => ({
  adapter: 'hubspot',
  accessToken: HUBSPOT_TOKEN,
  baseUrl: fake.url,
  typeMap: { call: 'CALL', email: 'EMAIL', todo: 'TODO' },
  defaultType: 'TODO',
  ...extra,
})

describe('hubspot adapter', () => {
  let fake: HubSpotFake
  let app: FastifyInstance
  beforeAll(async () => {
    fake = await HubSpotFake.start()
    app = await testApp({ connections: { hubspot: connection(fake, { concurrency: 4 }) } })
  })
  afterEach(() => {
    expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  const create = async (body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: body })
    expect(res.statusCode, res.body).toBe(201)
    return res.json()
  }

  it('creates a HubSpot task with hs_timestamp as due date and associations 204 and 192', async () => {
    const task = await create({
      subject: 'Call Ann',
      description: 'Ask about <pricing> & terms\nthen follow up',
      type: 'call',
      ownerId: '222',
      dueDate: '2024-01-15T12:00:00+02:00',
      contactId: '502',
      companyId: '702',
    })
    expect(task.id).toMatch(/^hubspot\.\d+$/)
    const stored = fake.tasks.get(task.id.slice('hubspot.'.length))!
    expect(stored.properties).toMatchObject({
      hs_task_subject: 'Call Ann',
      hs_task_body: 'Ask about &lt;pricing&gt; &amp; terms<br>then follow up',
      hs_task_type: 'CALL',
      hs_task_status: 'NOT_STARTED',
      hubspot_owner_id: '222',
      hs_timestamp: '2024-01-15T10:00:00.000Z',
    })
    expect([...stored.associations.contacts]).toEqual(['502'])
    expect([...stored.associations.companies]).toEqual(['702'])
    expect(task).toMatchObject({ type: 'call', dueDate: '2024-01-15T10:00:00Z', contactId: 'hubspot.502', companyId: 'hubspot.702' })
  })

  it('uses the creation time as hs_timestamp when Enginy gives no due date', async () => {
    const before = Date.now()
    const task = await create({ subject: 'no due date' })
    expect(Date.parse(task.dueDate)).toBeGreaterThanOrEqual(before - 1000)
    expect(Date.parse(task.dueDate)).toBeLessThanOrEqual(Date.now() + 1000)
  })

  it('stores a type missing from typeMap as defaultType and reads it back in lower case', async () => {
    const task = await create({ subject: 'meeting', type: 'meeting' })
    expect(fake.tasks.get(task.id.slice(8))!.properties.hs_task_type).toBe('TODO')
    expect(task.type).toBe('todo')
    fake.tasks.get(task.id.slice(8))!.properties.hs_task_type = 'LINKED_IN_CONNECT'
    const read = (await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).json()
    expect(read.type).toBe('linked_in_connect')
  })

  it("creates with each of Enginy's example types on a connection with no typeMap, and reads a type back", async () => {
    const { typeMap: _map, defaultType: _default, ...plain } = connection(fake)
    const gateway = await testApp({ connections: { hubspot: plain } })
    try {
      for (const [type, stored, read] of [
        ['call', 'CALL', 'call'],
        ['email', 'EMAIL', 'email'],
        ['todo', 'TODO', 'todo'],
        ['linkedin', 'LINKED_IN', 'linkedin'],
        ['meeting', 'TODO', 'todo'],
      ]) {
        const res = await gateway.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: type, type } })
        expect(res.statusCode, res.body).toBe(201)
        expect(fake.tasks.get(res.json().id.slice(8))!.properties.hs_task_type).toBe(stored)
        expect((await gateway.inject({ method: 'GET', url: `/tasks/${res.json().id}`, headers })).json().type).toBe(read)
      }
    } finally {
      await gateway.close()
    }
  })

  it('refuses at start an apiVersion the adapter does not know, naming the known ones', async () => {
    await expect(testApp({ connections: { hubspot: connection(fake, { apiVersion: 'v3' }) } })).rejects.toThrow(
      'config: connections.hubspot.apiVersion: HubSpot API version "v3" is not one this adapter knows (known: 2026-03, 2026-09)',
    )
  })

  it('speaks any version it knows, and never the legacy v3/v4 paths', async () => {
    const older = await testApp({ connections: { hubspot: connection(fake, { apiVersion: '2026-03' }) } })
    try {
      fake.http.reset()
      const task = (await older.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'older', contactId: '501' } })).json()
      await older.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '502', ownerId: 'ann@example.com' } })
      await older.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: [task.id, task.id.replace(/\d$/, '0'), 'hubspot.1', 'hubspot.2'] } })
      const paths = fake.http.requests.map((r) => r.path)
      expect(paths.length).toBeGreaterThan(5)
      expect(paths.every((path) => path.startsWith('/crm/objects/2026-03/') || path.startsWith('/crm/associations/2026-03/') || path === '/crm/owners/2026-03')).toBe(true)
    } finally {
      await older.close()
    }
  })

  it('takes completedAt from hs_task_completion_date and reads other open statuses as not completed', async () => {
    const task = await create({ subject: 'complete me' })
    const done = (await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { completed: true } })).json()
    const stored = fake.tasks.get(task.id.slice(8))!
    expect(done.completedAt).toBe(`${stored.properties.hs_task_completion_date!.slice(0, 19)}Z`)
    stored.properties.hs_task_status = 'WAITING'
    const read = (await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).json()
    expect(read).toMatchObject({ completed: false, completedAt: null })
  })

  it('resolves an owner e-mail to the owner id once, and answers 422 for an unknown owner', async () => {
    fake.http.reset()
    const first = await create({ subject: 'owned', ownerId: 'Ann@Example.com' })
    const second = await create({ subject: 'owned again', ownerId: 'ann@example.com' })
    expect(first.ownerId).toBe('hubspot.111')
    expect(second.ownerId).toBe('hubspot.111')
    expect(fake.http.count('GET', '/crm/owners/2026-09')).toBe(1)
    const unknown = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's', ownerId: 'nobody@example.com' } })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().message).toContain('ownerId "nobody@example.com" is not an owner')
    const notAnId = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's', ownerId: '333' } })
    expect(notAnId.statusCode).toBe(422)
    expect(notAnId.json().message).toContain('333 is not a valid owner id')
  })

  it('answers 422 naming the field for a contact or company id HubSpot cannot hold, or does not hold, and writes nothing', async () => {
    fake.http.reset()
    const tasks = fake.tasks.size
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's', contactId: 'contact-456' } })
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', message: 'body/contactId names no contact of connection "hubspot"' })
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks')).toBe(0)
    // HubSpot checks the records it is to link to itself: its refusal is the 422, led by the field.
    const missing = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's', contactId: '501', companyId: '799' } })
    expect(missing.statusCode).toBe(422)
    expect(missing.json()).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      message: 'body/companyId: the CRM of connection "hubspot" rejected the request: companies 799 does not exist (VALIDATION_ERROR)',
    })
    const activity = await app.inject({ method: 'POST', url: '/activities', headers, payload: { type: 'EMAIL', contactId: '999' } })
    expect(activity.json()).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/^body\/contactId: .*contacts 999 does not exist/) })
    const task = await create({ subject: 'linked later' })
    const moved = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '999' } })
    expect(moved.json()).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/^body\/contactId: /) })
    expect(fake.tasks.size, 'only the task created to be moved').toBe(tasks + 1)
  })

  it('re-associates when contactId or companyId changes', async () => {
    const task = await create({ subject: 'move me', contactId: '501', companyId: '701' })
    const res = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '503' } })
    expect(res.json()).toMatchObject({ contactId: 'hubspot.503', companyId: 'hubspot.701' })
    expect([...fake.tasks.get(task.id.slice(8))!.associations.contacts]).toEqual(['503'])
  })

  it('reads a batch of 1,000 ids with 10 batch/read calls and one association read per kind, never more than 4 calls at once', async () => {
    const ids = []
    for (let i = 0; i < 250; i++) ids.push((await create({ subject: `bulk ${i}`, contactId: '501' })).id)
    const asked = [...ids, ...Array.from({ length: 750 }, (_, i) => `hubspot.${80_000_000_000 + i}`)]
    fake.http.reset()
    const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: asked } })
    expect(res.statusCode).toBe(200)
    expect(res.json().map((task: { id: string }) => task.id)).toEqual(ids)
    expect(res.json().every((task: { contactId: string }) => task.contactId === 'hubspot.501')).toBe(true)
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks/batch/read')).toBe(10)
    // The associations of all 250 found, in one read of each kind (HubSpot takes 1,000 at once).
    expect(fake.http.count('POST', '/crm/associations/2026-09/tasks/contacts/batch/read')).toBe(1)
    expect(fake.http.count('POST', '/crm/associations/2026-09/tasks/companies/batch/read')).toBe(1)
    expect(fake.http.peakByRoute.get('POST /crm/objects/2026-09/tasks/batch/read')).toBeLessThanOrEqual(4)
    expect(fake.http.peakInFlight).toBeLessThanOrEqual(4)
  })

  it('sends the association reads with the task reads, not after them: a batch takes one round trip', async () => {
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await create({ subject: `together ${i}`, contactId: '502' })).id)
    fake.http.reset()
    const answer = fake.http.handler
    // The task read is answered once both association reads have arrived (or after 2 s, which
    // only a gateway that waits for the task read before reading associations would need).
    let associationReads = 0
    let bothArrived: () => void = () => {}
    const arrived = new Promise<boolean>((resolve) => {
      bothArrived = () => resolve(true)
      setTimeout(() => resolve(false), 2000)
    })
    const answeredAfterBoth: boolean[] = []
    fake.http.handler = async (r) => {
      if (r.path.startsWith('/crm/associations/') && ++associationReads === 2) bothArrived()
      if (r.path.endsWith('/tasks/batch/read')) answeredAfterBoth.push(await arrived)
      return answer(r)
    }
    try {
      const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })
      expect(res.json().map((task: { contactId: string }) => task.contactId)).toEqual(Array(5).fill('hubspot.502'))
    } finally {
      fake.http.handler = answer
    }
    expect(answeredAfterBoth).toEqual([true])
  })

  it('reads up to three tasks with one GET each, which bring their associations: no more calls than a batch read, one round trip', async () => {
    const ids = [(await create({ subject: 'a', contactId: '501' })).id, (await create({ subject: 'b', companyId: '701' })).id]
    fake.http.reset()
    const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: [...ids, 'hubspot.404404404'] } })
    expect(res.json()).toMatchObject([{ id: ids[0], contactId: 'hubspot.501' }, { id: ids[1], companyId: 'hubspot.701' }])
    expect(fake.http.count('GET', /^\/crm\/objects\/2026-09\/tasks\/\d+$/)).toBe(3)
    expect(fake.http.requests).toHaveLength(3)
  })

  it('completes 250 tasks with three batch/update calls of at most 100, then reads them back in one batch', async () => {
    const ids = []
    for (let i = 0; i < 250; i++) ids.push((await create({ subject: `close ${i}` })).id)
    fake.http.reset()
    const res = await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids, completed: true } })
    expect(res.json().filter((task: { completed: boolean }) => task.completed)).toHaveLength(250)
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks/batch/update')).toBe(3)
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks/batch/read')).toBe(3)
    expect(fake.http.count('POST', /^\/crm\/associations\/2026-09\/tasks\/(contacts|companies)\/batch\/read$/)).toBe(2)
    expect(fake.http.peakInFlight).toBeLessThanOrEqual(4)
  })

  it('completes a batch through batch/update, leaving out ids HubSpot reports missing (207)', async () => {
    const ids = []
    for (let i = 0; i < 3; i++) ids.push((await create({ subject: `done ${i}` })).id)
    fake.http.reset()
    const res = await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids: [...ids, 'hubspot.404404404'], completed: true } })
    expect(res.statusCode).toBe(200)
    expect(res.json().map((task: { id: string }) => task.id)).toEqual(ids)
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks/batch/update')).toBe(1)
  })

  it('answers 503 with Retry-After to a DAILY 429, then fails fast without calling HubSpot', async () => {
    const gateway = await testApp({ connections: { hubspot: connection(fake) } })
    try {
      const task = (await gateway.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's' } })).json()
      fake.http.reset()
      fake.http.queue.push({
        status: 429,
        body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' },
      })
      const res = await gateway.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
      expect(res.statusCode).toBe(503)
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
      const again = await gateway.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
      expect(again.statusCode).toBe(503)
      expect(again.json().message).toContain('daily limit')
      expect(fake.http.requests).toHaveLength(1)
    } finally {
      await gateway.close()
    }
  })

  it('stops before the 429 when HubSpot says the daily budget is down to zero', async () => {
    const limited = await HubSpotFake.start({ daily: 1 })
    const gateway = await testApp({ connections: { hubspot: connection(limited) } })
    try {
      const task = (await gateway.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's' } })).json()
      const res = await gateway.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' })
      expect(limited.http.requests).toHaveLength(1)
    } finally {
      await gateway.close()
      await limited.close()
    }
  })

})
