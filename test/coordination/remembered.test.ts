import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Coordination } from '../../src/coordination/redis.ts'
import { Remembered, WRITE_BACK_BATCH } from '../../src/coordination/remembered.ts'
import { createLogger } from '../../src/logger.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { headers, testApp } from '../helpers/app.ts'
import { TestRedis } from '../helpers/redis.ts'
import { waitFor } from '../helpers/wait.ts'

/** What replicas keep of message ids while Redis is unreachable, and how it reaches Redis again. */
describe('message ids kept while Redis was unreachable', () => {
  let redis: TestRedis
  let client: Redis
  const coordinations: Coordination[] = []
  beforeAll(async () => {
    redis = await TestRedis.start()
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 })
    // It reconnects by itself after the test's outage; the errors meanwhile are expected.
    client.on('error', () => {})
  })
  afterAll(async () => {
    for (const coordination of coordinations) await coordination.close()
    client.disconnect()
    await redis.down()
  })

  /** A replica's coordination, shared once it is connected. */
  const replica = async (prefix: string) => {
    const coordination = new Coordination(redis.url, prefix, 2, createLogger('silent'))
    coordinations.push(coordination)
    await waitFor(() => coordination.state === 'shared')
    return coordination
  }
  /** Cuts the replica off Redis (as a network would), and connects it again. */
  const cutOff = async (coordination: Coordination) => {
    coordination.redis.disconnect()
    await waitFor(() => coordination.state === 'degraded')
  }
  const reconnect = async (coordination: Coordination) => {
    await coordination.redis.connect()
    await waitFor(() => coordination.state === 'shared')
  }

  it('what a replica kept alone reaches Redis once it is back, where another replica reads it; what another replica wrote meanwhile wins', async () => {
    const prefix = randomUUID()
    const [a, b] = [await replica(prefix), await replica(prefix)]
    const [mine, theirs] = [new Remembered(a), new Remembered(b)]
    await cutOff(a)
    expect(await mine.change('crm', 'm-alone', undefined, 'logged by a')).toBeUndefined()
    expect(await mine.change('crm', 'm-both', undefined, 'logged by a')).toBeUndefined()
    expect(await theirs.change('crm', 'm-both', undefined, 'logged by b')).toBeUndefined()
    expect(await mine.get('crm', 'm-alone'), 'kept in the replica meanwhile').toBe('logged by a')
    expect(await theirs.get('crm', 'm-alone'), 'which the other replica cannot see yet').toBeUndefined()
    expect(mine.waiting).toBe(2)

    await reconnect(a)
    await waitFor(() => mine.waiting === 0)
    expect(await theirs.get('crm', 'm-alone'), 'written back: the other replica reads it').toBe('logged by a')
    expect(await theirs.get('crm', 'm-both'), 'not overwritten: what the other replica wrote meanwhile stays').toBe('logged by b')
    expect(await mine.get('crm', 'm-both'), 'and both replicas read it from Redis').toBe('logged by b')
    expect(await theirs.change('crm', 'm-alone', 'something else', 'overwritten'), 'a written-back value is changed only by compare and set').toBe('logged by a')

    await cutOff(a)
    expect(await mine.get('crm', 'm-both'), 'the replica keeps its own as its fallback').toBe('logged by a')
  })

  it(`writes back at most ${WRITE_BACK_BATCH} values at once, every one of them in the end`, async () => {
    const prefix = randomUUID()
    const coordination = await replica(prefix)
    const remembered = new Remembered(coordination)
    await cutOff(coordination)
    const count = WRITE_BACK_BATCH * 2 + 50
    for (let i = 0; i < count; i++) await remembered.change('crm', `m-${i}`, undefined, `activity ${i}`)
    const commands = coordination.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
    const swap = commands['remembered-swap']!.bind(coordination.redis)
    let inFlight = 0
    let peak = 0
    let sent = 0
    commands['remembered-swap'] = async (...args) => {
      sent++
      peak = Math.max(peak, ++inFlight)
      try {
        return await swap(...args)
      } finally {
        inFlight--
      }
    }
    await reconnect(coordination)
    await waitFor(() => remembered.waiting === 0)
    expect(sent, 'each value sent once').toBe(count)
    expect(peak, 'a batch at a time').toBe(WRITE_BACK_BATCH)
    expect((await client.keys(`${prefix}:seen:*`)).length, 'all of them in Redis').toBe(count)
  })

  describe('two gateways sharing Redis, one message', () => {
    let fake: HubSpotFake
    const apps: FastifyInstance[] = []
    beforeAll(async () => {
      fake = await HubSpotFake.start()
    })
    afterEach(async () => {
      for (const app of apps.splice(0)) await app.close()
    })
    afterAll(async () => {
      expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
      await fake.close()
    })

    it('logged on replica A while Redis was down, sent again to replica B once it is back: one activity', async () => {
      const prefix = `outage-${randomUUID()}`
      const gateway = async () => {
        const app = await testApp({
          connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, rateLimit: { requests: 100, intervalMs: 1000 } } },
          coordination: { redis: { url: redis.url, prefix, replicas: 2 } },
        })
        apps.push(app)
        return app
      }
      const [a, b] = [await gateway(), await gateway()]
      const states = () => [a, b].map((app) => app.gateway.coordination!.state)
      await waitFor(() => states().every((state) => state === 'shared'))
      const messages = Array.from({ length: 5 }, (_, i) => ({ type: 'EMAIL', subject: `logged during the outage ${i}`, metadata: { messageId: `outage-${i}` } }))
      const log = (app: FastifyInstance, message: object) => app.inject({ method: 'POST', url: '/activities', headers, payload: message })

      await redis.down()
      await waitFor(() => states().every((state) => state === 'degraded'))
      const first = await Promise.all(messages.map((message) => log(a, message)))
      expect(first.map((res) => res.statusCode)).toEqual(messages.map(() => 201))

      await redis.up()
      await waitFor(() => states().every((state) => state === 'shared'), 20_000)
      await waitFor(async () => (await client.keys(`${prefix}:seen:*`)).length === messages.length)
      const again = await Promise.all(messages.map((message) => log(b, message)))
      expect(again.map((res) => res.statusCode), 'replica B answers the activities replica A logged').toEqual(messages.map(() => 200))
      expect(again.map((res) => res.json().id)).toEqual(first.map((res) => res.json().id))
      for (const { subject } of messages) {
        expect([...fake.emails.store.objects.values()].filter((email) => email.properties.hs_email_subject === subject), `one e-mail "${subject}" at HubSpot`).toHaveLength(1)
      }
    })
  })
})
