import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { headers, testApp } from '../helpers/app.ts'
import { TestRedis } from '../helpers/redis.ts'
import { waitFor } from '../helpers/wait.ts'

const create = (app: FastifyInstance, key: string, body: object) =>
  app.inject({ method: 'POST', url: '/tasks', headers: { ...headers, 'idempotency-key': key }, payload: body })

describe('Idempotency-Key on POST /tasks', () => {
  let fake: HubSpotFake
  let redis: TestRedis
  const apps: FastifyInstance[] = []
  beforeAll(async () => {
    fake = await HubSpotFake.start()
    redis = await TestRedis.start()
  })
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
  })
  afterAll(async () => {
    await fake.close()
    await redis.down()
  })

  const gateway = async (coordination?: Record<string, unknown>) => {
    const app = await testApp({
      connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url } },
      coordination,
    })
    apps.push(app)
    return app
  }

  it('in one process: a repeat returns the same task without a call to the CRM; another body is a 422', async () => {
    const app = await gateway()
    fake.http.reset()
    const first = await create(app, 'key-1', { subject: 'once', dueDate: '2024-01-15' })
    const again = await create(app, 'key-1', { dueDate: '2024-01-15', subject: 'once', unknown: 'ignored' })
    expect(first.statusCode).toBe(201)
    expect(again.statusCode).toBe(201)
    expect(again.json()).toEqual(first.json())
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks')).toBe(1)

    const other = await create(app, 'key-1', { subject: 'something else' })
    expect(other.statusCode).toBe(422)
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.stringContaining('idempotency-key') })
    const bad = await create(app, 'with spaces', { subject: 'x' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('headers/idempotency-key')
  })

  it('in one process: a repeat while the first is running waits for it and gets its task', async () => {
    const app = await gateway()
    const healthy = fake.http.handler
    fake.http.handler = async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return healthy(request)
    }
    try {
      fake.http.reset()
      const [a, b] = await Promise.all([create(app, 'key-2', { subject: 'slow' }), create(app, 'key-2', { subject: 'slow' })])
      expect(a.json().id).toBe(b.json().id)
      expect(fake.http.count('POST', '/crm/objects/2026-09/tasks')).toBe(1)
    } finally {
      fake.http.handler = healthy
    }
  })

  it('does not keep a failed create: the retry creates the task', async () => {
    const app = await gateway()
    fake.http.queue.push({ status: 400, body: { status: 'error', message: 'bad', category: 'VALIDATION_ERROR' } })
    expect((await create(app, 'key-3', { subject: 'retry me' })).statusCode).toBe(422)
    const retry = await create(app, 'key-3', { subject: 'retry me' })
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBeUndefined()
  })

  it('across two replicas sharing Redis, the same create sent to both at once creates exactly one task', async () => {
    const coordination = { redis: { url: redis.url, prefix: `test-${Date.now()}`, replicas: 2 } }
    const [one, two] = [await gateway(coordination), await gateway(coordination)]
    const healthy = fake.http.handler
    fake.http.handler = async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 200))
      return healthy(request)
    }
    try {
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(one.gateway.coordination!.state).toBe('shared')
      fake.http.reset()
      const [a, b] = await Promise.all([create(one, 'shared-key', { subject: 'one task' }), create(two, 'shared-key', { subject: 'one task' })])
      expect(a.statusCode).toBe(201)
      expect(b.statusCode).toBe(201)
      expect(a.json().id).toBe(b.json().id)
      expect(fake.http.count('POST', '/crm/objects/2026-09/tasks')).toBe(1)
      const later = await create(two, 'shared-key', { subject: 'another task' })
      expect(later.statusCode).toBe(422)
    } finally {
      fake.http.handler = healthy
    }
  })

  it('across two replicas whose Redis is down, the same create sent to both makes no task: a 503 with Retry-After each, never two tasks', async () => {
    const lost = await TestRedis.start()
    try {
      const coordination = { redis: { url: lost.url, prefix: `down-${Date.now()}`, replicas: 2 } }
      const replicas = [await gateway(coordination), await gateway(coordination)]
      const states = (state: string) => () => replicas.every((app) => app.gateway.coordination!.state === state)
      await waitFor(states('shared'))
      await lost.down()
      await waitFor(states('degraded'))
      fake.http.reset()

      const answers = await Promise.all(replicas.map((app) => create(app, 'key-while-down', { subject: 'one task' })))
      expect(fake.http.count('POST', '/crm/objects/2026-09/tasks'), 'nothing sent').toBe(0)
      for (const answer of answers) {
        expect(answer.statusCode).toBe(503)
        expect(answer.headers['retry-after']).toBe('2')
        expect(answer.json()).toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', message: expect.stringContaining('headers/idempotency-key') })
      }
      const keyless = await replicas[0]!.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'no key' } })
      expect(keyless.statusCode, 'a create without a key does not need Redis').toBe(201)

      await lost.up()
      await waitFor(states('shared'), 15_000)
      const first = await create(replicas[0]!, 'key-while-down', { subject: 'one task' })
      const again = await create(replicas[1]!, 'key-while-down', { subject: 'one task' })
      expect([first.statusCode, again.statusCode]).toEqual([201, 201])
      expect(again.json().id).toBe(first.json().id)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(fake.http.count('POST', '/crm/objects/2026-09/tasks'), 'the keyless task and the keyed one').toBe(2)
    } finally {
      await lost.down()
    }
  })
})
