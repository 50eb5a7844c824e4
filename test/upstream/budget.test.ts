import { describe, expect, it } from 'vitest'
import { UpstreamRateLimitedError } from '../../src/errors.ts'
import { callsWithinBudget } from '../../src/upstream/budget.ts'
import { SlidingWindowLimiter } from '../../src/upstream/rate-limit.ts'

describe('a batch within the rate limit', () => {
  // 10 calls a second, on a clock standing at 0: by t = 1000, 20 calls can have started.
  const limiter = () => new SlidingWindowLimiter({ requests: 10, intervalMs: 1000, marginMs: 0 }, 'crm', () => 0)

  it('starts what fits before the deadline, leaving a quarter of the window to other requests', () => {
    // Calls must start by deadline - 1 s (the last must still answer): 20 slots, 15 of them the batch's.
    expect(callsWithinBudget('crm', limiter(), 15, 2000)).toEqual({ fits: 15 })
    const { fits, short } = callsWithinBudget('crm', limiter(), 40, 2000)
    expect(fits).toBe(15)
    expect(short).toBeInstanceOf(UpstreamRateLimitedError)
    // The 25 left, at three quarters of the window, need 34 slots: the last starts at t = 3000.
    expect(short!.retryAfterSeconds).toBe(3)
    expect(short!.message).toContain('connection "crm"')
  })

  it('starts everything without a limit, and nothing when the deadline leaves no time', () => {
    expect(callsWithinBudget('crm', undefined, 1000, 2000)).toEqual({ fits: 1000 })
    expect(callsWithinBudget('crm', new SlidingWindowLimiter(undefined, 'crm', () => 0), 1000, 2000)).toEqual({ fits: 1000 })
    const late = callsWithinBudget('crm', limiter(), 5, 500)
    expect(late.fits).toBe(0)
    expect(late.short!.retryAfterSeconds).toBeGreaterThanOrEqual(1)
  })
})
