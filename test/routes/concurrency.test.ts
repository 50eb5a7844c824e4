import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../helpers/app.ts'

describe('concurrent writes on the memory adapter', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await testApp()
  })
  afterAll(() => app.close())

  it('keeps all of 500 concurrent creates, each with its own id, readable in one batch', async () => {
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: `task ${i}` } }),
      ),
    )
    expect(responses.every((res) => res.statusCode === 201)).toBe(true)
    const created = responses.map((res) => res.json() as { id: string; subject: string })
    const ids = created.map((task) => task.id)
    expect(new Set(ids).size).toBe(500)

    const batch = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })
    expect(batch.statusCode).toBe(200)
    const read = batch.json() as { id: string; subject: string }[]
    expect(read.map((task) => task.id)).toEqual(ids)
    expect(read.map((task) => task.subject)).toEqual(created.map((task) => task.subject))
  })

  it('completes 300 tasks while they are being read, without losing a completion', async () => {
    const ids = []
    for (let i = 0; i < 300; i++) {
      ids.push((await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: `c${i}` } })).json().id)
    }
    const work = ids.flatMap((id) => [
      app.inject({ method: 'PATCH', url: `/tasks/${id}`, headers, payload: { completed: true } }),
      app.inject({ method: 'GET', url: `/tasks/${id}`, headers }),
    ])
    const results = await Promise.all(work)
    expect(results.every((res) => res.statusCode === 200)).toBe(true)
    const read = (await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })).json()
    expect(read.filter((task: { completed: boolean }) => task.completed)).toHaveLength(300)
  })
})
