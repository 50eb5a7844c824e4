import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { SIMPLE_TOKEN, simpleCrmHandler, simpleRegistry } from '../conformance/fakes/simple-crm.ts'
import { headers, testApp } from '../helpers/app.ts'
import { TestRedis } from '../helpers/redis.ts'

/**
 * A CRM's `Retry-After` is capped by the connection's `pauseCap`: one answer of
 * `Retry-After: 86400` must not take a connection down for a day, on one replica or on all.
 */
describe('the cap on a CRM-asked pause', () => {
  let fake: HttpFake
  let redis: TestRedis
  const apps: FastifyInstance[] = []
  beforeAll(async () => {
    fake = await HttpFake.start(simpleCrmHandler())
    redis = await TestRedis.start()
  })
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()))
    fake.reset()
  })
  afterAll(async () => {
    await fake.close()
    await redis.down()
  })

  const gateway = async (options: { requestTimeoutMs?: number; prefix?: string } = {}) => {
    const app = await testApp({
      connections: { crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN, pauseCap: { windowMs: 1000, dailyMs: 2000 } } },
      limits: { requestTimeoutMs: options.requestTimeoutMs ?? 10_000 },
      registry: simpleRegistry,
      ...(options.prefix && { coordination: { redis: { url: redis.url, prefix: options.prefix } } }),
    })
    apps.push(app)
    return app
  }
  const created = async (app: FastifyInstance) => (await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's' } })).json()
  const dayLong = { status: 429, headers: { 'retry-after': '86400' }, body: { error: 'slow down' } }

  it('waits at most the cap after a Retry-After of a day, then probes, and the probe succeeds', async () => {
    const app = await gateway()
    const task = await created(app)
    fake.reset()
    fake.queue.push(dayLong)
    const res = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(res.statusCode).toBe(200)
    const [limited, probe] = fake.requests
    // It waited the cap (1 s), not less; honouring the day asked would have answered 503 at the
    // request's deadline, not 200.
    expect(probe!.at - limited!.at).toBeGreaterThanOrEqual(950)
  })

  it('tells Enginy to come back after the cap, not after a day, when the deadline is shorter than the cap', async () => {
    const app = await gateway({ requestTimeoutMs: 500 })
    const task = await created(app)
    fake.queue.push(dayLong)
    const res = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('1')
    // The connection is paused for the cap only: a call after it goes to the CRM.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    fake.reset()
    expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
    expect(fake.requests).toHaveLength(1)
  })

  it('probes a spent daily cap again after pauseCap.dailyMs instead of sleeping until a guessed midnight', async () => {
    const app = await gateway({ requestTimeoutMs: 500 })
    const task = await created(app)
    // The simple CRM's own daily signal says an hour.
    fake.queue.push({ status: 429, headers: { 'x-daily-limit': 'spent' } })
    const spent = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(spent.statusCode).toBe(503)
    expect(spent.headers['retry-after']).toBe('2')
    expect(spent.json().message).toContain('daily limit')
    await new Promise((resolve) => setTimeout(resolve, 2100))
    fake.reset()
    expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
  })

  it('with Redis, pauses no replica past the cap: neither through its own pause nor through one another replica wrote', async () => {
    const prefix = `pause-${Date.now()}`
    const [first, second] = [await gateway({ prefix }), await gateway({ prefix })]
    const task = await created(first)
    fake.queue.push(dayLong)
    expect((await first.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
    const client = new Redis(redis.url)
    try {
      const key = `${prefix}:rl:crm:pause`
      // The pause replicas share lasts the cap, not the day the CRM asked for.
      expect(await client.pttl(key)).toBeLessThanOrEqual(1000)
      // A replica with a longer cap (or an older version) may write a day-long pause: this one
      // honours it only up to its own cap.
      const now = Number((await client.time())[0]) * 1000
      await client.set(key, String((now + 86_400_000) * 10), 'PX', 86_400_000)
      fake.reset()
      const res = await second.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
      // Honouring the day-long pause would have answered 503 at the request's deadline.
      expect(res.statusCode).toBe(200)
      expect(fake.requests).toHaveLength(1)
    } finally {
      client.disconnect()
    }
  })
})
