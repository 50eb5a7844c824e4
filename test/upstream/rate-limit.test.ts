import { describe, expect, it } from 'vitest'
import { UpstreamRateLimitedError } from '../../src/errors.ts'
import { SlidingWindowLimiter, rateLimitLayer } from '../../src/upstream/rate-limit.ts'
import type { Attempt } from '../../src/upstream/types.ts'
import type { UpstreamResponse } from '../../src/kit/spec.ts'
import { boundedWaits } from '../../src/upstream/waits.ts'

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
    expect(limiter.admit(60_000)).toBe(0) // the first call really went out at 30, answered at once
    limiter.answered()
    time.set(1000)
    expect(limiter.admit(60_000)).toBe(30) // so the second waits until 1030
    time.set(1030)
    expect(limiter.admit(60_000)).toBe(0)
  })

  it('counts a call as of its answer, the latest the CRM can have counted it, and as of now while it has none', () => {
    const time = at(0)
    const limiter = new SlidingWindowLimiter({ requests: 1, intervalMs: 1000, marginMs: 0 }, 'crm', time.clock)
    expect(limiter.admit(60_000)).toBe(0)
    time.set(5000)
    expect(limiter.peek(60_000), 'still out after 5 s: the CRM may count it any moment').toBe(1000)
    time.set(5400)
    limiter.answered()
    time.set(6000)
    expect(limiter.admit(60_000), 'a window after its answer').toBe(400)
    time.set(6400)
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

describe('rateLimitLayer with a route group', () => {
  it("counts a call in the group's window when it really goes, not when the group let it pass while the connection still held it", async () => {
    const window = 200
    const margin = 20
    const group = new SlidingWindowLimiter({ requests: 2, intervalMs: window, marginMs: margin }, 'crm')
    const connection = new SlidingWindowLimiter({ requests: 4, intervalMs: window, marginMs: margin }, 'crm')
    const sent: { at: number; grouped: boolean }[] = []
    const waits = boundedWaits({}, { windowMs: 60_000, dailyMs: 300_000 })
    const layer = rateLimitLayer((attempt) => (attempt.limitGroup ? [group, connection] : [connection]), waits)
    const call = layer(async (attempt) => {
      sent.push({ at: performance.now(), grouped: attempt.limitGroup !== undefined })
      return { status: 200, headers: {}, body: '' } as unknown as UpstreamResponse
    })
    const options = { signal: AbortSignal.timeout(10_000), deadline: Date.now() + 10_000, warn: () => {} }
    const attempt = (limitGroup?: string) => call({ method: 'GET', route: '/x', path: '/x', number: 0, waitedMs: 0, options, ...(limitGroup && { limitGroup }) } as Attempt)
    // A burst of plain calls fills the connection's window; searches queued behind it.
    await Promise.all([...Array.from({ length: 4 }, () => attempt()), ...Array.from({ length: 6 }, () => attempt('search'))])
    const searches = sent.filter((s) => s.grouped).map((s) => s.at)
    for (const at of searches) {
      const inWindow = searches.filter((other) => other <= at && other > at - window).length
      expect(inWindow, `searches within ${window} ms before the one sent at ${at.toFixed(0)}`).toBeLessThanOrEqual(2)
    }
    expect(searches).toHaveLength(6)
  })
})
