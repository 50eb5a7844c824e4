import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { SIMPLE_TOKEN, simpleCrmHandler, simpleRegistry } from '../conformance/fakes/simple-crm.ts'
import { headers, testApp } from '../helpers/app.ts'
import { TestRedis } from '../helpers/redis.ts'
import { waitFor } from '../helpers/wait.ts'

/** How many times Redis ran each command since its stats were last reset. */
async function commandCounts(client: Redis): Promise<Record<string, number>> {
  const info = await client.info('commandstats')
  return Object.fromEntries([...info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)].map(([, name, calls]) => [name!, Number(calls)]))
}

describe('the shared limiter in Redis', () => {
  let fake: HttpFake
  let redis: TestRedis
  let client: Redis
  const apps: FastifyInstance[] = []
  beforeAll(async () => {
    fake = await HttpFake.start(simpleCrmHandler())
    redis = await TestRedis.start()
    client = new Redis(redis.url)
  })
  afterEach(async () => {
    redis.resume()
    await Promise.all(apps.splice(0).map((app) => app.close()))
  })
  afterAll(async () => {
    client.disconnect()
    await fake.close()
    await redis.down()
  })

  const gateway = async () => {
    const app = await testApp({
      connections: { crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN, rateLimit: { requests: 100, intervalMs: 1000 } } },
      registry: simpleRegistry,
      coordination: { redis: { url: redis.url, prefix: `timeouts-${Date.now()}-${Math.random()}` } },
    })
    apps.push(app)
    await waitFor(() => app.gateway.coordination!.state === 'shared')
    return app
  }
  const create = async (app: FastifyInstance) => app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 's' } })

  it('sends its scripts by their SHA-1 (EVALSHA), not whole with every call', async () => {
    const app = await gateway()
    const task = (await create(app)).json()
    await client.config('RESETSTAT')
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
    const counts = await commandCounts(client)
    // Each CRM call books a slot and is then admitted: two scripts per call.
    expect(counts.evalsha).toBeGreaterThanOrEqual(10)
    expect(counts.eval ?? 0).toBe(0)
  })

  it('falls back to this replica’s own limiter when Redis stops answering, and shares again once it answers', async () => {
    const app = await gateway()
    const task = (await create(app)).json()
    redis.pause()
    // The commands in flight time out, the connection is dropped, and the call is booked locally.
    const stalled = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(stalled.statusCode, stalled.body).toBe(200)
    await waitFor(() => app.gateway.coordination!.state === 'degraded')
    expect((await create(app)).statusCode).toBe(201)

    redis.resume()
    await waitFor(() => app.gateway.coordination!.state === 'shared', 20_000)
    expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
  })
})
