import { describe, expect, it } from 'vitest'
import { UpstreamRateLimitedError } from '../../src/errors.ts'
import { SlidingWindowLimiter } from '../../src/upstream/rate-limit.ts'

describe('SlidingWindowLimiter', () => {
  const at = (start: number) => {
    let now = start
    return { clock: () => now, set: (t: number) => (now = t) }
  }

  it('lets `requests` calls start in any window, then books each next slot one window after the oldest', () => {
    const time = at(0)
    const limiter = new SlidingWindowLimiter({ requests: 3, intervalMs: 1000, marginMs: 0 }, 'crm', time.clock)
    expect([0, 0, 0].map(() => limiter.reserve(60_000).wait)).toEqual([0, 0, 0])
    expect(limiter.reserve(60_000).wait).toBe(1000)
    expect(limiter.reserve(60_000).wait).toBe(1000)
    expect(limiter.reserve(60_000).wait).toBe(1000)
    expect(limiter.reserve(60_000).wait).toBe(2000)
  })

  it('holds a call whose booked slot came too early because an earlier call went out late', () => {
    const time = at(0)
    const limiter = new SlidingWindowLimiter({ requests: 1, intervalMs: 1000, marginMs: 0 }, 'crm', time.clock)
    expect(limiter.reserve(60_000).wait).toBe(0)
    expect(limiter.reserve(60_000).wait).toBe(1000)
    time.set(30)
    expect(limiter.admit(60_000)).toBe(0) // the first call really went out at 30
    time.set(1000)
    expect(limiter.admit(60_000)).toBe(30) // so the second waits until 1030
    time.set(1030)
    expect(limiter.admit(60_000)).toBe(0)
  })

  it('refuses at once, with the wait in seconds, a slot past the deadline', () => {
    const time = at(0)
    const limiter = new SlidingWindowLimiter({ requests: 1, intervalMs: 10_000 }, 'crm', time.clock)
    limiter.reserve(1000)
    const error = (() => {
      try {
        limiter.reserve(5000)
      } catch (e) {
        return e as UpstreamRateLimitedError
      }
    })()
    expect(error).toBeInstanceOf(UpstreamRateLimitedError)
    expect(error!.retryAfterSeconds).toBe(11)
  })

  it('pauses until the CRM says its budget resets, and fails fast through a spent daily cap', () => {
    const time = at(0)
    const limiter = new SlidingWindowLimiter(undefined, 'crm', time.clock)
    limiter.observeBudget(0, 2000)
    expect(limiter.reserve(60_000).wait).toBe(2000)
    limiter.pause(3_600_000, true)
    expect(() => limiter.reserve(60_000)).toThrow('has spent its daily limit')
  })

  it('gives a cancelled booking back: the next call takes its start instead of one a window later', () => {
    const time = at(0)
    const limiter = new SlidingWindowLimiter({ requests: 1, intervalMs: 10_000, marginMs: 0 }, 'crm', time.clock)
    expect(limiter.reserve(60_000).wait).toBe(0)
    expect(limiter.admit(60_000)).toBe(0)
    const abandoned = limiter.reserve(60_000)
    expect(abandoned.wait).toBe(10_000)
    abandoned.cancel()
    time.set(1000)
    expect(limiter.reserve(60_000).wait, 'the start at 10 s is free again').toBe(9000)
  })
})
