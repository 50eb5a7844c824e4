import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { capturedLogger, headers, testApp } from '../helpers/app.ts'
import { TestRedis } from '../helpers/redis.ts'
import { waitFor } from '../helpers/wait.ts'
import type { HttpFake } from '../conformance/fakes/http-fake.ts'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../conformance/fakes/simple-crm.ts'

/** The upstream client as Enginy meets it: through the gateway, against a CRM on a real socket. */
describe('upstream trouble, through the gateway', () => {
  let fake: HttpFake
  let app: FastifyInstance
  const log = capturedLogger('debug')

  const start = async (connection: Record<string, unknown>, limits: Record<string, number> = {}, coordination?: { redis: Record<string, unknown> }) => {
    fake = await startSimpleCrm()
    app = await testApp({
      coordination,
      connections: {
        crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN, ...connection },
        local: { adapter: 'memory' },
      },
      limits,
      registry: { ...simpleRegistry, memory: async () => (await import('../../adapters/memory/index.ts')).default },
      logger: log.logger,
    })
  }
  afterEach(async () => {
    await app?.close()
    await fake?.close()
  })

  const create = (subject = 'task') => app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject } })

  // No time is asserted (these machines are noisy): a CRM that hangs for ever and a deadline not
  // kept would hang the test past its timeout.
  it('answers 504 at the deadline when the CRM hangs, and keeps serving meanwhile', { timeout: 10_000 }, async () => {
    await start({ retry: { maxRetries: 0 } }, { requestTimeoutMs: 1000 })
    const task = (await create()).json()
    fake.handler = () => ({ hang: true })
    let answered = false
    const hanging = app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers }).finally(() => {
      answered = true
    })
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    expect(health.statusCode).toBe(200)
    expect(answered, '/healthz answered while the read still hung').toBe(false)
    const res = await hanging
    expect(res.statusCode).toBe(504)
    expect(res.json()).toMatchObject({ statusCode: 504, error: 'Gateway Timeout', code: 'UPSTREAM_TIMEOUT' })
  })

  it('does not repeat a create whose connection was reset after sending: one create upstream, a 502 here', async () => {
    await start({})
    fake.queue.push({ reset: true })
    const res = await create()
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    expect(fake.count('POST', '/tasks')).toBe(1)
  })

  it('repeats a create refused with 429 and creates it once', async () => {
    await start({})
    fake.queue.push({ status: 429, headers: { 'retry-after': '1' } })
    const res = await create('once')
    expect(res.statusCode).toBe(201)
    expect(fake.count('POST', '/tasks')).toBe(2)
    const batch = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: ['crm.1', 'crm.2'] } })
    expect(batch.json().map((task: { subject: string }) => task.subject)).toEqual(['once'])
  })

  it('opens the breaker after repeated failures, fails fast without calling the CRM, and closes after a good probe', async () => {
    await start({ retry: { maxRetries: 0 }, breaker: { failures: 3, cooldownMs: 400 } })
    const task = (await create()).json()
    const healthy = fake.handler
    fake.handler = () => ({ status: 503 })
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
      expect(res.statusCode).toBe(502)
    }
    const seen = fake.requests.length
    const open = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(open.statusCode).toBe(503)
    expect(open.json()).toMatchObject({ code: 'UPSTREAM_CIRCUIT_OPEN' })
    expect(open.headers['retry-after']).toBe('1')
    expect(fake.requests.length).toBe(seen)

    fake.handler = healthy
    await new Promise((resolve) => setTimeout(resolve, 450))
    const probe = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(probe.statusCode).toBe(200)
    expect(fake.requests.length).toBe(seen + 1)
    const after = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(after.statusCode).toBe(200)
    expect(app.gateway.current.runtime.connections.get('crm')!.upstream[0]!.breaker.state).toBe('closed')
  })

  // "At once": a gateway that waited for its deadline (60 s) before answering would outlast the
  // test's timeout. No time is asserted.
  it.for(['in this process', 'shared in Redis'])(
    'answers 503 with Retry-After at once when the wait for a rate-limit slot passes the deadline (window %s)',
    { timeout: 10_000 },
    async (where) => {
      const redis = where === 'shared in Redis' ? await TestRedis.start() : undefined
      try {
        await start({ rateLimit: { requests: 2, intervalMs: 120_000 } }, { requestTimeoutMs: 60_000 }, redis && { redis: { url: redis.url, prefix: randomUUID() } })
        if (redis) await waitFor(() => app.gateway.coordination!.state === 'shared')
        expect((await create()).statusCode).toBe(201)
        expect((await create()).statusCode).toBe(201)
        const res = await create()
        expect(res.statusCode).toBe(503)
        expect(res.json()).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' })
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(60)
        expect(fake.count('POST', '/tasks')).toBe(2)
      } finally {
        await redis?.down()
      }
    },
  )

  it('slows down when the CRM says its budget is spent, before it answers 429', async () => {
    await start({})
    const task = (await create()).json()
    const healthy = fake.handler
    let spent = true
    fake.handler = async (request) => {
      const step = await healthy(request)
      if (!spent) return step
      spent = false
      return { ...step, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' } }
    }
    fake.reset()
    await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    const [first, second] = fake.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('fails fast with 503 once a daily cap is spent, without calling the CRM again until the probe interval', async () => {
    await start({})
    const task = (await create()).json()
    // The CRM's signal says an hour; the connection pauses pauseCap.dailyMs (5 minutes), then probes.
    fake.queue.push({ status: 429, headers: { 'x-daily-limit': 'spent' } })
    const first = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(first.statusCode).toBe(503)
    expect(Number(first.headers['retry-after'])).toBe(300)
    const seen = fake.requests.length
    const second = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(second.statusCode).toBe(503)
    expect(second.json().message).toContain('daily limit')
    expect(fake.requests.length).toBe(seen)
  })

  it('answers 502 UPSTREAM_AUTH when the CRM refuses the token, and never logs the token', async () => {
    fake = await startSimpleCrm()
    app = await testApp({
      connections: { crm: { adapter: 'simple', baseUrl: fake.url, token: 'wrong-token-77ab' } },
      registry: simpleRegistry,
      logger: log.logger,
    })
    const res = await create()
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ code: 'UPSTREAM_AUTH' })
    expect(res.body).not.toContain('wrong-token-77ab')
    const lines = log.lines.join('\n')
    expect(lines).toContain('upstream call')
    expect(lines).not.toContain('wrong-token-77ab')
    expect(lines).not.toContain(SIMPLE_TOKEN)
  })
})
