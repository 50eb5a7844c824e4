import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { headers, testApp } from '../helpers/app.ts'

const MiB = 1024 * 1024

/** The process's peak resident memory so far (Linux VmHWM), in bytes. */
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024

/**
 * An answer is read only up to the connection's `maxResponseBytes`, counted while it arrives.
 * Memory is measured here because it is the property under test; this file runs in a process of
 * its own, so the peak it measures is its own.
 */
describe('answers past maxResponseBytes', () => {
  let fake: HubSpotFake
  let app: FastifyInstance
  beforeAll(async () => {
    fake = await HubSpotFake.start()
    app = await testApp({
      connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, retry: { maxRetries: 0 }, concurrency: 3 } },
    })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  it('cuts three 200 MB answers off at the 8 MiB cap: 502, and the peak memory grows with the cap, not the answers', async () => {
    const [id] = fake.seed(1, 60_000_000_101)
    const answer = fake.http.handler
    // Sent without a length, so only counting while reading can stop them.
    fake.http.handler = (request) =>
      request.method === 'GET' ? { stream: { bytes: 200 * MiB, chunk: `{"pad":"${'x'.repeat(64 * 1024)}",` } } : answer(request)
    // Warm up the path (schemas compiled, pools open) on a small answer first.
    await app.inject({ method: 'GET', url: '/tasks/hubspot.1', headers })
    const before = peakRss()
    const answers = await Promise.all([0, 1, 2].map(() => app.inject({ method: 'GET', url: `/tasks/hubspot.${id}`, headers })))
    const grown = peakRss() - before
    fake.http.handler = answer
    for (const res of answers) {
      expect(res.statusCode).toBe(502)
      expect(res.json()).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' })
      expect(res.json().message).toContain('larger than 8388608 bytes')
    }
    console.log(`peak RSS growth for 3 × 200 MB answers at once: ${(grown / MiB).toFixed(1)} MiB`)
    // Each answer holds at most the cap before it is cut off: 3 × 8 MiB, with room for the
    // allocator's own slack. Read whole, the three would take 600 MB.
    expect(grown).toBeLessThan(2 * 3 * 8 * MiB)
  })

  it('refuses an answer whose declared length passes the cap before reading it', async () => {
    const small = await testApp({
      connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, maxResponseBytes: 1024 } },
    })
    try {
      const [id] = fake.seed(1, 60_000_000_201)
      fake.tasks.get(id!)!.properties.hs_task_body = 'b'.repeat(4096)
      const res = await small.inject({ method: 'GET', url: `/tasks/hubspot.${id}`, headers })
      expect(res.statusCode).toBe(502)
      expect(res.json().message).toContain('larger than 1024 bytes (maxResponseBytes)')
    } finally {
      await small.close()
    }
  })
})
