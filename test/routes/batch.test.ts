import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../helpers/app.ts'

describe('POST /tasks/batch and PATCH /tasks/batch', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await testApp({
      connections: { old: { adapter: 'memory', maxBatch: 3 }, current: { adapter: 'memory', maxBatch: 2 } },
      active: 'old',
      limits: { maxBatchIds: 50 },
    })
  })
  afterAll(() => app.close())

  const create = async (subject: string) =>
    (await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject } })).json()
  const ids = (tasks: { id: string }[]) => tasks.map((task) => task.id)

  it('returns existing tasks once each, in order of first appearance, leaving out the rest', async () => {
    const a = await create('a')
    const b = await create('b')
    const c = await create('c')
    const res = await app.inject({
      method: 'POST',
      url: '/tasks/batch',
      headers,
      payload: { ids: ['old.missing', c.id, 'garbage', a.id, c.id, 'unknownconn.1', b.id, a.id, ''] },
    })
    expect(res.statusCode).toBe(200)
    expect(ids(res.json())).toEqual([c.id, a.id, b.id])
  })

  it('gives [] for ids: [] and for only missing ids', async () => {
    for (const payload of [{ ids: [] }, { ids: ['old.nope', 'x'] }]) {
      const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual([])
    }
  })

  it('answers 400 saying the limit when a batch holds more ids than allowed, and completes none', async () => {
    const task = await create('limit')
    const many = [task.id, ...Array.from({ length: 50 }, (_, i) => `old.n${i}`)]
    for (const [method, payload] of [
      ['POST', { ids: many }],
      ['PATCH', { ids: many, completed: true }],
    ] as const) {
      const res = await app.inject({ method, url: '/tasks/batch', headers, payload })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ message: 'body/ids must NOT have more than 50 items', code: 'BATCH_TOO_LARGE' })
    }
    const read = (await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).json()
    expect(read.completed).toBe(false)
  })

  it('answers 400 for a body without ids, ids not strings, or no completed flag', async () => {
    for (const [method, payload, message] of [
      ['POST', {}, "body must have required property 'ids'"],
      ['POST', { ids: [1] }, 'body/ids/0 must be string'],
      ['POST', { ids: 'a,b' }, 'body/ids must be array'],
      ['PATCH', { ids: [] }, "body must have required property 'completed'"],
      ['PATCH', { ids: [], completed: 'true' }, 'body/completed must be boolean'],
    ] as const) {
      const res = await app.inject({ method, url: '/tasks/batch', headers, payload })
      expect(res.statusCode).toBe(400)
      expect(res.json().message).toBe(message)
    }
  })

  it('completes across connections and chunks, keeps first completedAt, and reopens', async () => {
    const tasks = []
    for (let i = 0; i < 4; i++) tasks.push(await create(`old ${i}`))
    const res = await app.inject({
      method: 'PATCH',
      url: '/tasks/batch',
      headers,
      payload: { ids: ['old.missing', ...ids(tasks).reverse()], completed: true },
    })
    expect(res.statusCode).toBe(200)
    const done = res.json()
    expect(ids(done)).toEqual(ids(tasks).reverse())
    expect(done.every((task: { completed: boolean; completedAt: string }) => task.completed && task.completedAt)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const again = (
      await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids: ids(tasks), completed: true } })
    ).json()
    expect(again.map((task: { completedAt: string }) => task.completedAt)).toEqual(
      done.map((task: { completedAt: string }) => task.completedAt).reverse(),
    )
    const reopened = (
      await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids: ids(tasks), completed: false } })
    ).json()
    expect(reopened.every((task: { completed: boolean; completedAt: null }) => !task.completed && task.completedAt === null)).toBe(
      true,
    )
  })
})
