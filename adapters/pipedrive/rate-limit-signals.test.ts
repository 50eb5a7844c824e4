import { describe, expect, it } from 'vitest'
import { PipedriveFake } from './fake/pipedrive.ts'
import { pipedriveGateway } from './fake/gateway.ts'
import { pipedriveRateLimits } from './rate-limit-signals.ts'

const answer = (status: number, headers: Record<string, string>) => ({ status, headers, text: '' })

describe("pipedrive's rate-limit headers", () => {
  it('reads the burst window: calls left, and the seconds left in it', () => {
    expect(pipedriveRateLimits.budget!(answer(200, { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '2' }))).toEqual({ remaining: 3, resetMs: 2000 })
    expect(pipedriveRateLimits.retryAfter!(answer(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' }))).toEqual({ ms: 1000 })
  })

  it('reads a spent daily token budget as daily, until the next UTC midnight', () => {
    const spent = answer(200, { 'x-ratelimit-remaining': '30', 'x-ratelimit-reset': '2', 'x-daily-ratelimit-token-remaining': '0' })
    const budget = pipedriveRateLimits.budget!(spent)!
    expect(budget).toMatchObject({ remaining: 0, daily: true })
    expect(budget.resetMs).toBeGreaterThan(0)
    expect(budget.resetMs).toBeLessThanOrEqual(86_400_000)
    expect(pipedriveRateLimits.retryAfter!({ ...spent, status: 429 })).toMatchObject({ daily: true })
    const left = answer(200, { 'x-ratelimit-remaining': '30', 'x-ratelimit-reset': '2', 'x-daily-ratelimit-token-remaining': '1200' })
    expect(pipedriveRateLimits.budget!(left), 'a budget not spent: the burst window speaks').toEqual({ remaining: 30, resetMs: 2000 })
  })

  it("reads the daily token budget left and its size for the status page's chart, 0 once spent", () => {
    const daily = pipedriveRateLimits.daily!
    expect(daily(answer(200, { 'x-daily-ratelimit-token-limit': '30000', 'x-daily-ratelimit-token-remaining': '1200' }))).toEqual({ remaining: 1200, limit: 30000 })
    expect(daily(answer(200, { 'x-daily-ratelimit-token-remaining': '-20' }))).toEqual({ remaining: 0, limit: undefined })
    expect(daily(answer(200, { 'x-daily-ratelimit-token-remaining': 'lots' })), 'not a count').toBeUndefined()
    expect(daily(answer(200, {})), 'missing after a long idle period').toBeUndefined()
  })

  it('fails fast, with a 503 and Retry-After, once the daily budget is spent, without calling Pipedrive again', async () => {
    const fake = await PipedriveFake.start({ dailyTokens: 30 })
    const gw = await pipedriveGateway(fake)
    try {
      expect((await gw.send('GET', '/users')).statusCode, '20 tokens: within the budget').toBe(200)
      expect((await gw.send('GET', '/users')).statusCode, '40 tokens: the call that spends the rest').toBe(200)
      const spent = await gw.send('GET', '/users')
      expect(spent.statusCode).toBe(503)
      expect(spent.json().code).toBe('UPSTREAM_RATE_LIMITED')
      expect(spent.json().message).toContain('daily limit')
      expect(Number(spent.headers['retry-after'])).toBeGreaterThan(0)
      expect(fake.http.requests.length, 'no call once Pipedrive said the budget is spent').toBe(2)
      expect((await gw.send('GET', '/tasks/pipedrive.5')).statusCode).toBe(503)
      expect(fake.http.requests.length).toBe(2)
    } finally {
      await gw.close()
      await fake.close()
    }
  })
})
