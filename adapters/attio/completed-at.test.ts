import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { ATTIO_TOKEN, AttioFake } from './fake/server.ts'

/**
 * Live Attio answers were seen without the `completed_at` its OpenAPI file requires
 * (hbmartin/attio-ts-sdk, `patchTaskSchema`): the fake answers so with `omitTaskCompletedAt`. Then
 * nothing in Attio says when a task was completed, and the gateway answers `completedAt: null`
 * beside `completed: true`, rather than a moment of its own making.
 */
let fake: AttioFake
let app: FastifyInstance

beforeAll(async () => {
  fake = await AttioFake.start({ omitTaskCompletedAt: true })
  app = await testApp({ connections: { attio: { adapter: 'attio', accessToken: ATTIO_TOKEN, baseUrl: fake.url } } })
})

afterAll(async () => {
  await app.close()
  await fake.close()
})

describe('attio: completedAt where Attio keeps no completion time', () => {
  it('is null, completed or not, and the completion itself holds', async () => {
    const made = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'Call Ana' } })
    expect(made.json()).toMatchObject({ completed: false, completedAt: null })
    const done = await app.inject({ method: 'PATCH', url: `/tasks/${made.json().id}`, headers, payload: { completed: true } })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ completed: true, completedAt: null })
    expect([...fake.tasks.tasks.values()][0]!.isCompleted).toBe(true)
  })
})
