import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { ATTIO_TOKEN, AttioFake } from './fake/server.ts'

/**
 * A batch complete larger than Attio's write limit allows before the deadline: one PATCH per task
 * at 25 a second. The gateway reads the batch first (100 reads a second), writes what can start in
 * time, and answers 503 with `Retry-After`; Enginy's retries continue where the last stopped, and
 * each task is written once.
 */
const TASKS = 150
let fake: AttioFake
let app: FastifyInstance
let ids: string[]

beforeAll(async () => {
  fake = await AttioFake.start()
  // Made in Attio beforehand, so that the test spends its writes on the completions.
  ids = Array.from({ length: TASKS }, (_, i) => {
    const id = randomUUID()
    fake.tasks.tasks.set(id, { id, content: `Task ${i}`, deadlineAt: null, isCompleted: false, completedAt: null, linked: [], assignees: [], createdAt: Date.now(), createdBy: { type: 'workspace-member', id: fake.workspace.members[0]!.id } })
    return `attio.${id}`
  })
  app = await testApp({ connections: { attio: { adapter: 'attio', accessToken: ATTIO_TOKEN, baseUrl: fake.url, concurrency: 8 } }, limits: { requestTimeoutMs: 4000 } })
})

afterAll(async () => {
  await app.close()
  await fake.close()
})

describe('attio: a batch complete past the write limit', () => {
  it('answers 503 with Retry-After for what does not fit, and the retries complete each task with one write', async () => {
    const answers: { status: number; retryAfter: string | undefined }[] = []
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids, completed: true } })
      answers.push({ status: res.statusCode, retryAfter: res.headers['retry-after'] as string | undefined })
      if (res.statusCode === 200) {
        expect((res.json() as { id: string; completed: boolean }[]).map((t) => t.id)).toEqual(ids)
        break
      }
      expect(res.statusCode, res.body).toBe(503)
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    console.log(`batch complete of ${TASKS}: ${answers.map((a) => `${a.status}${a.retryAfter ? ` (Retry-After ${a.retryAfter})` : ''}`).join(', ')}; GETs ${fake.calls('GET /v2/tasks/{id}')}, PATCHes ${fake.calls('PATCH /v2/tasks/{id}')}`)
    expect(answers.at(-1)!.status).toBe(200)
    expect(answers[0]!.status, 'one request cannot write them all').toBe(503)
    expect([...fake.tasks.tasks.values()].every((task) => task.isCompleted)).toBe(true)
    expect(fake.calls('PATCH /v2/tasks/{id}'), 'each task written once').toBe(TASKS)
    expect(fake.limits.limited, 'never over Attio’s limits').toBe(0)
  }, 60_000)
})
