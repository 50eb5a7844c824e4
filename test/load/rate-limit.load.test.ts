import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import type { HttpFake } from '../conformance/fakes/http-fake.ts'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../conformance/fakes/simple-crm.ts'
import { headers, testApp } from '../helpers/app.ts'

/**
 * Rate-limit checks that depend on the timing of calls: they run after the rest of the suite,
 * one file at a time (vitest.load.config.ts), so other tests' load does not skew the clocks.
 */
describe('the rate limiter against a CRM counting a rolling window', () => {
  let fake: HttpFake
  let app: FastifyInstance
  afterEach(async () => {
    await app?.close()
    await fake?.close()
  })

  const start = async (connection: Record<string, unknown>, limits: Record<string, number> = {}) => {
    fake = await startSimpleCrm()
    app = await testApp({
      connections: { crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN, ...connection } },
      limits,
      registry: simpleRegistry,
    })
  }

  it('reads 1,000 tasks one call each against a CRM allowing 50 calls a second, without one 429', async () => {
    // The fake shares this process's event loop, so a loop stall bunches calls the limiter sent in
    // two windows into one at the fake's door: a jitter margin as large as such stalls (150 ms; the
    // default, 50 ms, is for a CRM across a network, whose clock no stall of ours moves). With the
    // default, one run of this file today drew 7 429s.
    await start(
      { maxBatchRead: 1, concurrency: 8, rateLimit: { requests: 50, intervalMs: 1000, marginMs: 150 } },
      { requestTimeoutMs: 120_000 },
    )
    // Seeded straight into the fake, so only the batch passes the gateway's limiter.
    const ids = []
    for (let i = 0; i < 1000; i++) {
      const res = await request(`${fake.url}/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SIMPLE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: `t${i}` }),
      })
      ids.push(`crm.${((await res.body.json()) as { id: string }).id}`)
    }
    fake.reset()
    fake.rateLimit = { requests: 50, windowMs: 1000, onLimited: () => ({ status: 429, headers: { 'retry-after': '1' } }) }
    const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toHaveLength(1000)
    expect(fake.rateLimited).toBe(0)
    expect(fake.count('POST', '/tasks/read')).toBe(1000)
  }, 90_000)

})
