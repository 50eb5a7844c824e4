import { describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../fakes/hubspot.ts'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../fakes/pipedrive.ts'
import { headers, testApp } from '../helpers/app.ts'

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
