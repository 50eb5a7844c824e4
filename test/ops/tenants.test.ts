import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp } from '../helpers/app.ts'

describe('tenants', () => {
  let app: FastifyInstance
  const A = { 'x-api-key': 'key-of-tenant-a', 'content-type': 'application/json' }
  const B = { 'x-api-key': 'key-of-tenant-b', 'content-type': 'application/json' }
  beforeAll(async () => {
    app = await testApp({
      connections: { 'a-crm': { adapter: 'memory' }, 'b-crm': { adapter: 'memory' }, shared: { adapter: 'memory' } },
      tenants: {
        acme: { apiKeys: 'key-of-tenant-a', active: 'a-crm', connections: ['shared'] },
        globex: { apiKeys: ['key-of-tenant-b'], active: 'b-crm' },
      },
    })
  })
  afterAll(() => app.close())

  const create = async (headers: Record<string, string>, subject: string) =>
    (await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject } })).json()

  it('sends each tenant\'s new tasks to its own active connection', async () => {
    expect((await create(A, 'a')).id.startsWith('a-crm.')).toBe(true)
    expect((await create(B, 'b')).id.startsWith('b-crm.')).toBe(true)
  })

  it("gives tenant B 'not found' on every endpoint for tenant A's ids, batches included", async () => {
    const a = await create(A, 'secret plans')
    const b = await create(B, 'own task')
    expect((await app.inject({ method: 'GET', url: `/tasks/${a.id}`, headers: B })).statusCode).toBe(404)
    for (const method of ['PATCH', 'PUT'] as const) {
      const res = await app.inject({ method, url: `/tasks/${a.id}`, headers: B, payload: { completed: true } })
      expect(res.statusCode).toBe(404)
    }
    const batch = await app.inject({ method: 'POST', url: '/tasks/batch', headers: B, payload: { ids: [a.id, b.id] } })
    expect(batch.json().map((task: { id: string }) => task.id)).toEqual([b.id])
    const done = await app.inject({ method: 'PATCH', url: '/tasks/batch', headers: B, payload: { ids: [a.id, b.id], completed: true } })
    expect(done.json().map((task: { id: string }) => task.id)).toEqual([b.id])
    const untouched = (await app.inject({ method: 'GET', url: `/tasks/${a.id}`, headers: A })).json()
    expect(untouched).toMatchObject({ subject: 'secret plans', completed: false })
  })

  it("lets a tenant read the other connections listed for it, and nobody else's", async () => {
    const connection = app.gateway.current.runtime.connections.get('shared')!
    const native = await connection.adapter.tasks!.doCreate({ subject: 'shared' }, { signal: AbortSignal.timeout(1000), deadline: Date.now() + 1000, warn: () => {} })
    const id = `shared.${native.id}`
    expect((await app.inject({ method: 'GET', url: `/tasks/${id}`, headers: A })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: `/tasks/${id}`, headers: B })).statusCode).toBe(404)
  })
})
