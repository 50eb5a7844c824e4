import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../../adapters/pipedrive/fake/pipedrive.ts'
import { headers, testApp } from '../helpers/app.ts'
import { TestRedis } from '../helpers/redis.ts'
import { startFakeCrmProcess } from '../helpers/server-process.ts'
import { waitFor } from '../helpers/wait.ts'

const hubspot = (fake: HubSpotFake, extra: Record<string, unknown> = {}) => ({
  adapter: 'hubspot',
  accessToken: HUBSPOT_TOKEN,
  baseUrl: fake.url,
  ...extra,
})
const pipedrive = (fake: PipedriveFake, extra: Record<string, unknown> = {}) => ({
  adapter: 'pipedrive',
  apiToken: PIPEDRIVE_TOKEN,
  baseUrl: fake.url,
  ...extra,
})

/** The CRMs' own limits, held with the same `rateLimit` configured: timing-sensitive, run alone. */
describe('CRM rate limits', () => {
  it('stays under a 10-per-second portal limit with the same rateLimit configured', async () => {
    const limited = await HubSpotFake.start({ perWindow: 10, windowMs: 1000 })
    const gateway = await testApp({
      connections: { hubspot: hubspot(limited, { rateLimit: { requests: 10, intervalMs: 1000 }, concurrency: 4 }) },
      limits: { requestTimeoutMs: 30_000 },
    })
    try {
      const ids = []
      for (let i = 0; i < 25; i++) {
        const res = await gateway.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: `r${i}` } })
        expect(res.statusCode).toBe(201)
        ids.push(res.json().id)
      }
      const done = await gateway.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids, completed: true } })
      expect(done.statusCode).toBe(200)
      expect(limited.http.rateLimited).toBe(0)
    } finally {
      await gateway.close()
      await limited.close()
    }
  }, 30_000)

  it('completes 200 activities with at most `concurrency` PATCHes at once, within the burst limit', async () => {
    const limited = await PipedriveFake.start({ burst: 50, windowMs: 2000 })
    const gateway = await testApp({
      connections: { pipedrive: pipedrive(limited, { concurrency: 4, rateLimit: { requests: 50, intervalMs: 2000 } }) },
      limits: { requestTimeoutMs: 60_000 },
    })
    try {
      const ids = []
      for (let i = 0; i < 200; i++) {
        const res = await gateway.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: `p${i}` } })
        expect(res.statusCode).toBe(201)
        ids.push(res.json().id)
      }
      limited.http.reset()
      const res = await gateway.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids, completed: true } })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toHaveLength(200)
      expect(limited.http.count('PATCH', /^\/api\/v2\/activities\/\d+$/)).toBe(200)
      expect(limited.http.peakInFlight).toBeLessThanOrEqual(4)
      expect(limited.http.rateLimited).toBe(0)
      expect(limited.violations).toEqual([])
    } finally {
      await gateway.close()
      await limited.close()
    }
  }, 60_000)
})

/**
 * Pipedrive's search window (10 per 2 s), counted by a fake in a process of its own, whose clock
 * no stall of this one moves, as a CRM's: 240 e-mails Pipedrive does not hold, one search each, in
 * six syncs at once. The gateway keeps the adapter's declared limit and the default margin.
 */
describe("Pipedrive's search window under load", () => {
  const contacts = Array.from({ length: 240 }, (_, i) => ({ externalId: `S-${i}`, email: `unknown${i}@nowhere${i % 17}.example` }))

  const syncAll = async (coordination?: { redis: Record<string, unknown> }) => {
    const fake = await startFakeCrmProcess({ CRM: 'pipedrive', WINDOW_MS: '2000' })
    const apps: FastifyInstance[] = []
    try {
      for (let i = 0; i < (coordination ? 2 : 1); i++) {
        apps.push(
          await testApp({
            connections: { pipedrive: { adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url, concurrency: 8 } },
            // 40 searches at 5 a second, sharing them with five other syncs: longer than the default 15 s.
            limits: { requestTimeoutMs: 120_000 },
            coordination,
          }),
        )
      }
      if (coordination) await waitFor(() => apps.every((app) => app.gateway.coordination!.state === 'shared'))
      await request(`${fake.url}/__reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          apps[i % apps.length]!.inject({ method: 'POST', url: '/contacts/sync', headers, payload: { contacts: contacts.slice(i * 40, i * 40 + 40) } }),
        ),
      )
      const stats = (await (await request(`${fake.url}/__stats`)).body.json()) as {
        byRoute: Record<string, number>
        arrivals: number[]
        searchLimited: number
        rateLimited: number
      }
      const searches = stats.byRoute['GET /api/v2/persons/search'] ?? 0
      const seconds = (Math.max(...stats.arrivals) - Math.min(...stats.arrivals)) / 1000
      console.log(
        `pipedrive search window${coordination ? ', two replicas sharing Redis' : ''}: ${searches} searches in ${seconds.toFixed(1)} s ` +
          `(${(searches / seconds).toFixed(2)}/s; the window allows 10 per 2 s), ${stats.searchLimited} answered 429`,
      )
      for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200)
      expect(answers.flatMap((answer) => [...answer.json().results, ...answer.json().errors])).toEqual([])
      expect(searches).toBeGreaterThanOrEqual(contacts.length)
      return stats
    } finally {
      await Promise.all(apps.map((app) => app.close()))
      await fake.stop()
    }
  }

  it('one gateway: no search draws a 429', async () => {
    const stats = await syncAll()
    expect(stats.searchLimited).toBe(0)
    expect(stats.rateLimited).toBe(0)
  }, 120_000)

  it('two replicas sharing Redis: no search draws a 429', async () => {
    const redis = await TestRedis.start()
    try {
      const stats = await syncAll({ redis: { url: redis.url, prefix: `search-${Date.now()}`, replicas: 2 } })
      expect(stats.searchLimited).toBe(0)
      expect(stats.rateLimited).toBe(0)
    } finally {
      await redis.down()
    }
  }, 120_000)
})
