import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEY, testApp } from '../helpers/app.ts'

/** The three curl examples of Enginy's page, over a real socket, as a user runs them. */
describe('the contract over a real socket', () => {
  let app: FastifyInstance
  let base: string
  beforeAll(async () => {
    app = await testApp()
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => app.close())

  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await request(`${base}${path}`, {
      method: method as 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as never }
  }

  it('creates, reads in batch, completes in batch, and reads one task', async () => {
    const created = await call('POST', '/tasks', { subject: 'Test task', description: 'Testing integration' })
    expect(created.status).toBe(201)
    const { id } = created.body as { id: string }

    const batch = await call('POST', '/tasks/batch', { ids: [id, 'task-id-2'] })
    expect(batch.status).toBe(200)
    expect(batch.body).toEqual([
      { id, subject: 'Test task', description: 'Testing integration', completed: false, completedAt: null },
    ])

    const done = await call('PATCH', '/tasks/batch', { ids: [id, 'task-id-2'], completed: true })
    expect(done.status).toBe(200)
    const [task] = done.body as { completed: boolean; completedAt: string }[]
    expect(task).toMatchObject({ id, completed: true })
    expect(task!.completedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/)

    const one = await call('GET', `/tasks/${id}`)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({ id, completed: true, completedAt: task!.completedAt })
  })

  it('echoes X-Request-Id when given and makes one up otherwise, on success and error alike', async () => {
    const given = await call('GET', '/tasks/local.nope', undefined, { 'x-request-id': 'enginy-req-42' })
    expect(given.status).toBe(404)
    expect(given.headers['x-request-id']).toBe('enginy-req-42')
    const made = await call('POST', '/tasks', { subject: 's' })
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const unsafe = await call('POST', '/tasks/batch', { ids: [] }, { 'x-request-id': 'bad id\twith spaces' })
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers 404 in JSON for an unknown route, without a key', async () => {
    const res = await request(`${base}/nothing-here`)
    expect(res.statusCode).toBe(404)
    expect(await res.body.json()).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'ROUTE_NOT_FOUND' })
  })
})
