import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { SharedLimiter } from '../../src/coordination/shared-limiter.ts'
import { Coordination } from '../../src/coordination/redis.ts'
import { UpstreamRateLimitedError } from '../../src/errors.ts'
import { createLogger } from '../../src/logger.ts'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../conformance/fakes/simple-crm.ts'
import { headers, testApp } from '../helpers/app.ts'
import { TestRedis } from '../helpers/redis.ts'
import { waitFor } from '../helpers/wait.ts'

/** 4 calls a minute for two replicas: 2 each while Redis is unreachable. No margin, so the
 * numbers read plainly; a minute, so no test runs long enough to see a window pass. */
const LIMIT = { requests: 4, intervalMs: 60_000, marginMs: 0 }
const CAP = { windowMs: 60_000, dailyMs: 300_000 }
const MINUTE_AHEAD = () => Date.now() + 120_000

describe('the shared limiter between Redis and this replica’s share', () => {
  const cleanup: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  const redisServer = async () => {
    const redis = await TestRedis.start()
    cleanup.push(() => redis.down())
    return redis
  }
  /** A replica's coordination and its limiter of one window, shared under `prefix`. */
  const replica = async (redis: TestRedis, prefix: string) => {
    const coordination = new Coordination(redis.url, prefix, 2, createLogger('silent'))
    cleanup.push(() => coordination.close())
    await waitFor(() => coordination.state === 'shared')
    return { coordination, limiter: new SharedLimiter(coordination, 'crm', LIMIT, CAP) }
  }
  /** One call through the limiter, as the rate-limit layer makes it: booked, let go, answered. */
  const send = async (limiter: SharedLimiter) => {
    const deadline = MINUTE_AHEAD()
    const booking = await limiter.reserve(deadline)
    expect(booking.wait).toBe(0)
    expect(await limiter.peek(deadline)).toBe(0)
    expect(await limiter.admit(deadline)).toBe(0)
    limiter.answered()
  }

  it('when Redis goes, goes on from what this replica sent there, at its share, instead of waiting out a window', async () => {
    const redis = await redisServer()
    const { coordination, limiter } = await replica(redis, randomUUID())
    await send(limiter)
    await redis.down()
    await waitFor(() => coordination.state === 'degraded')
    await send(limiter)
    // Its share (2) holds its call sent in Redis and the one sent since: the next waits for the
    // first to leave the window, not for a window from now.
    const wait = await limiter.peek(MINUTE_AHEAD())
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(LIMIT.intervalMs)
  })

  it('when Redis returns, writes back what it sent on its own, and books there again with the other replicas at one moment', async () => {
    const redis = await redisServer()
    const prefix = randomUUID()
    const one = await replica(redis, prefix)
    const two = await replica(redis, prefix)
    await send(one.limiter)
    await redis.down()
    await waitFor(() => one.coordination.state === 'degraded')
    await send(one.limiter)
    await redis.up()
    await waitFor(() => one.coordination.state === 'shared' && two.coordination.state === 'shared', 15_000)

    // The first call after Redis returned wrote back both calls (Redis lost the first with its
    // data) and set the moment; until then replica one books on its share, which is spent.
    expect(await one.limiter.peek(MINUTE_AHEAD())).toBeGreaterThan(0)
    const client = new Redis(redis.url)
    cleanup.push(() => client.disconnect())
    expect(await client.zcard(`${prefix}:rl:crm:sent`)).toBe(2)
    expect(Number(await client.get(`${prefix}:rl:crm:resume`))).toBeGreaterThan(0)

    // Replica two, which sent nothing, waits for the same moment; then both book in Redis, whose
    // window holds the two calls replica one sent: two more go, then the window is full.
    await waitFor(async () => (await one.limiter.peek(MINUTE_AHEAD())) === 0, 10_000)
    await send(two.limiter)
    await send(one.limiter)
    const deadline = MINUTE_AHEAD()
    await two.limiter.reserve(deadline)
    expect(await two.limiter.admit(deadline)).toBeGreaterThan(0)
    expect(await client.zcard(`${prefix}:rl:crm:sent`)).toBe(4)
  })

  it('writes nothing twice when Redis kept its data through a stall', async () => {
    const redis = await redisServer()
    const prefix = randomUUID()
    const { coordination, limiter } = await replica(redis, prefix)
    await send(limiter)
    redis.pause()
    // The command in flight times out: the call is booked on this replica's share.
    await send(limiter)
    await waitFor(() => coordination.state === 'degraded')
    redis.resume()
    await waitFor(() => coordination.state === 'shared', 15_000)
    const client = new Redis(redis.url)
    cleanup.push(() => client.disconnect())
    const sent = () => client.zcard(`${prefix}:rl:crm:sent`)
    // The hand back waits out a command's timeout after the failure, which a loaded machine may
    // not have reached when Redis answers again: the calls that come meanwhile ask again.
    await waitFor(async () => {
      await limiter.peek(MINUTE_AHEAD())
      return (await sent()) >= 2
    })
    await limiter.peek(MINUTE_AHEAD())
    expect(await sent(), 'the call Redis kept, and the one sent on the share').toBe(2)
  })

  it('refuses at once a call whose shared wait passes its deadline', async () => {
    const redis = await redisServer()
    const { limiter } = await replica(redis, randomUUID())
    for (let i = 0; i < LIMIT.requests; i++) await send(limiter)
    const error = await limiter.reserve(Date.now() + 5000).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamRateLimitedError)
    expect((error as UpstreamRateLimitedError).retryAfterSeconds).toBeGreaterThan(5)
  })
})

// "At once": a gateway that waited for its deadline (60 s) before answering would outlast the
// test's timeout. No time is asserted. The shared window full from the start is in
// test/upstream/gateway.test.ts.
describe('a wait past the deadline through a gateway sharing Redis', () => {
  it('is a 503 with Retry-After at once, not a 504, when Redis goes while a call waits and its share is spent', { timeout: 10_000 }, async () => {
    const redis = await TestRedis.start()
    const client = new Redis(redis.url)
    const prefix = randomUUID()
    const fake = await startSimpleCrm()
    const app = await testApp({
      connections: {
        crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN, rateLimit: { requests: 2, intervalMs: 120_000 }, retry: { maxRetries: 0 } },
      },
      registry: simpleRegistry,
      coordination: { redis: { url: redis.url, prefix, replicas: 2 } },
      limits: { requestTimeoutMs: 60_000 },
    })
    try {
      await waitFor(() => app.gateway.coordination!.state === 'shared')
      const create = () => app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's' } })
      // A 429 pauses every replica for 2 s; the next call waits for it, booked in Redis.
      fake.queue.push({ status: 429, headers: { 'retry-after': '2' } })
      expect((await create()).statusCode).toBe(503)
      const waiting = create()
      await waitFor(async () => (await client.zcard(`${prefix}:rl:crm`)) === 2)
      client.disconnect()
      await redis.down()
      // Redis is gone when the wait ends: this replica's share (1 a window) holds the refused call.
      const res = await waiting
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' })
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(60)
      expect(fake.count('POST', '/tasks')).toBe(1)
    } finally {
      client.disconnect()
      await app.close()
      await fake.close()
      await redis.down()
    }
  })
})
