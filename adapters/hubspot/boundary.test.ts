import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { capturedLogger, type Handler, headers, testApp } from '../../src/kit/testing.ts'
import { HUBSPOT_TASK_PATHS, HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'

/**
 * What a HubSpot answer may not do: steer a later call, add records to a batch, break a batch
 * with an id nobody asked for, or lose a link; and what a refused write must leave behind.
 */
describe('hubspot at the boundary', () => {
  let fake: HubSpotFake
  let app: FastifyInstance
  let healthy: Handler
  const log = capturedLogger('info')

  beforeAll(async () => {
    fake = await HubSpotFake.start()
    healthy = fake.http.handler
    app = await testApp({
      connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, retry: { maxRetries: 0 } } },
      logger: log.logger,
    })
  })
  beforeEach(() => {
    fake.http.handler = healthy
    fake.http.reset()
  })
  afterEach(() => {
    const outside = fake.http.requests.map((r) => `${r.method} ${r.path}`).filter((r) => !HUBSPOT_TASK_PATHS.test(r))
    expect(outside, 'no call outside the task operations').toEqual([])
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  const create = async (body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: body })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as { id: string }
  }
  const native = (task: { id: string }) => task.id.slice('hubspot.'.length)
  /** Lets the fake answer, then changes its answer's body on the way out. */
  const rewrite = (path: RegExp, change: (body: Record<string, unknown>) => void): Handler => async (request) => {
    const step = await healthy(request)
    if (path.test(request.path) && step.body) change(step.body as Record<string, unknown>)
    return step
  }

  it('answers 502 when an association names a crafted id, and never uses it in a path', async () => {
    const task = await create({ subject: 'linked', contactId: '501' })
    fake.http.reset()
    fake.http.handler = rewrite(/^\/crm\/objects\/2026-09\/tasks\/\d+$/, (body) => {
      body.associations = { contacts: { results: [{ id: '../../../crm/owners/2026-09', type: 'task_to_contact' }] } }
    })
    const read = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(read.statusCode).toBe(502)
    expect(read.json().code).toBe('UPSTREAM_BAD_RESPONSE')
    // An update that would remove the old association reads it first: the crafted id stops there.
    const moved = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '502' } })
    expect(moved.statusCode).toBe(502)
    expect(fake.http.count('DELETE')).toBe(0)
    expect(fake.http.count('PUT')).toBe(0)
  })

  it('answers 502 when a batch association read names a crafted or inexact toObjectId', async () => {
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await create({ subject: `batch ${i}`, contactId: '501' })).id)
    for (const toObjectId of ['501/../../owners', '1e3', 2 ** 60, -1]) {
      fake.http.handler = rewrite(/\/tasks\/contacts\/batch\/read$/, (body) => {
        for (const result of body.results as { to: { toObjectId: unknown }[] }[]) result.to[0]!.toObjectId = toObjectId
      })
      const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })
      expect(res.statusCode, `toObjectId ${toObjectId}`).toBe(502)
    }
  })

  it('leaves out, with a warning, an association for a task nobody asked for, instead of failing the batch', async () => {
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await create({ subject: `asked ${i}`, companyId: '701' })).id)
    fake.http.handler = rewrite(/\/tasks\/companies\/batch\/read$/, (body) => {
      ;(body.results as unknown[]).push({ from: { id: '424242' }, to: [{ toObjectId: 702, associationTypes: [{ typeId: 192, category: 'HUBSPOT_DEFINED' }] }] })
    })
    log.lines.length = 0
    const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })
    expect(res.statusCode).toBe(200)
    expect(res.json().map((task: { id: string; companyId: string }) => [task.id, task.companyId])).toEqual(ids.map((id) => [id, 'hubspot.701']))
    expect(log.lines.join('\n')).toContain('424242, which was not asked for')
  })

  it('never reads back, or answers, tasks a batch update adds to its answer', async () => {
    const ids = []
    for (let i = 0; i < 6; i++) ids.push((await create({ subject: `complete ${i}` })).id)
    const intruder = native(await create({ subject: 'not asked' }))
    fake.http.reset()
    fake.http.handler = rewrite(/\/tasks\/batch\/update$/, (body) => {
      ;(body.results as unknown[]).push({ id: intruder, properties: { hs_task_status: 'COMPLETED' } })
    })
    const res = await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids, completed: true } })
    expect(res.statusCode).toBe(200)
    expect(res.json().map((task: { id: string }) => task.id)).toEqual(ids)
    const read = fake.http.requests.filter((r) => r.path.endsWith('/tasks/batch/read'))
    expect(read.flatMap((r) => (r.body as { inputs: { id: string }[] }).inputs.map((input) => input.id))).not.toContain(intruder)
    // The same for a completion of up to three, which reads back one GET each.
    fake.http.reset()
    const few = await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids: ids.slice(0, 2), completed: true } })
    expect(few.json()).toHaveLength(2)
    expect(fake.http.count('GET', `/crm/objects/2026-09/tasks/${intruder}`)).toBe(0)
  })

  it('keeps the old contact and answers 422 when HubSpot refuses the new association, with a 400 or a 404', async () => {
    const task = await create({ subject: 'keep my contact', contactId: '501' })
    const refused = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '799' } })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().message).toContain('contacts 799 does not exist')
    fake.http.handler = async (request) =>
      request.method === 'PUT' ? { status: 404, body: { status: 'error', message: 'Object not found.', category: 'OBJECT_NOT_FOUND' } } : healthy(request)
    const missing = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '502' } })
    expect(missing.statusCode).toBe(422)
    expect(missing.json().message).toContain('contactId 502 is not a HubSpot record')
    expect(fake.http.count('DELETE')).toBe(0)
    expect([...fake.tasks.get(native(task))!.associations.contacts]).toEqual(['501'])
  })

  it('takes the new association back when HubSpot refuses the rest of the update, so the task is as it was', async () => {
    const task = await create({ subject: 'as it was', contactId: '501' })
    const res = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '502', ownerId: '333' } })
    expect(res.statusCode).toBe(422)
    const stored = fake.tasks.get(native(task))!
    expect([...stored.associations.contacts]).toEqual(['501'])
    expect(stored.properties.hubspot_owner_id).toBeUndefined()
  })

  it('moves a task to another contact: the new association is made before the old one is removed', async () => {
    const task = await create({ subject: 'move', contactId: '501', companyId: '701' })
    fake.http.reset()
    const res = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { contactId: '503', subject: 'moved' } })
    expect(res.json()).toMatchObject({ subject: 'moved', contactId: 'hubspot.503', companyId: 'hubspot.701' })
    const writes = fake.http.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/\d{6,}/, '{task}')}`)
    expect(writes).toEqual([
      'PUT /crm/objects/2026-09/tasks/{task}/associations/contacts/503',
      'PATCH /crm/objects/2026-09/tasks/{task}',
      'DELETE /crm/objects/2026-09/tasks/{task}/associations/contacts/501',
    ])
  })

  it('answers 422 naming ownerId for an owner e-mail with no exact match, never the first owner found', async () => {
    fake.http.handler = async (request) =>
      request.path === '/crm/owners/2026-09' ? { body: { results: [{ id: '111', email: 'ann@example.com' }] } } : healthy(request)
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's', ownerId: 'an@example.com' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().message).toContain('ownerId "an@example.com" is not an owner')
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks')).toBe(0)
  })

  it('never relays or logs the token when a HubSpot 400 quotes it', async () => {
    fake.http.handler = async (request) =>
      request.method === 'POST' && request.path === '/crm/objects/2026-09/tasks'
        ? { status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: `Property values were not valid; request sent with Bearer ${HUBSPOT_TOKEN} (token ${HUBSPOT_TOKEN})` } }
        : healthy(request)
    log.lines.length = 0
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'quoted' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().message).toContain('Property values were not valid')
    expect(res.body).not.toContain(HUBSPOT_TOKEN)
    expect(log.lines.join('\n')).toContain('Property values were not valid')
    expect(log.lines.join('\n')).not.toContain(HUBSPOT_TOKEN)
  })
})
