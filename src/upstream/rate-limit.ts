import { setTimeout as sleep } from 'node:timers/promises'
import type { RateLimitConfig } from '../config/schema.ts'
import { UpstreamRateLimitedError } from '../errors.ts'
import { retryAfterMs } from './retry.ts'
import { TransportError } from './transport.ts'
import type { Layer, RateLimitSignals } from './types.ts'

/**
 * A sliding-window limiter: at most `requests` calls start in any `intervalMs` window. We chose
 * it over a token bucket because CRMs count rolling windows (HubSpot's TEN_SECONDLY_ROLLING): a
 * full bucket spent at the end of one window and refilled at the start of the next would pass
 * twice the limit inside one rolling window. Each call reserves the earliest free start time, so
 * waiting calls keep their order and the limiter never sleeps in a loop.
 */
export class SlidingWindowLimiter {
  private readonly starts: number[] = []
  private pausedUntil = 0
  private pausedDaily = false

  constructor(
    private readonly limit: RateLimitConfig | undefined,
    private readonly connection: string,
    private readonly now: () => number = Date.now,
    /** Room for jitter between our clock and the CRM's arrival times. */
    private readonly marginMs = limit ? Math.max(5, Math.ceil(limit.intervalMs * 0.01)) : 0,
  ) {}

  /** Reserves a start time no later than `deadline` and returns how long to wait for it. */
  reserve(deadline: number): number {
    const now = this.now()
    let at = Math.max(now, this.pausedUntil)
    if (this.limit && this.starts.length >= this.limit.requests) {
      const oldest = this.starts[this.starts.length - this.limit.requests]!
      at = Math.max(at, oldest + this.limit.intervalMs + this.marginMs)
    }
    // Starts stay sorted, so the window's oldest start is always `length - requests` back.
    at = Math.max(at, this.starts.at(-1) ?? 0)
    if (at > deadline) {
      const seconds = Math.max(1, Math.ceil((at - now) / 1000))
      const why = this.pausedDaily && at === this.pausedUntil ? 'has spent its daily limit' : 'is rate-limiting'
      throw new UpstreamRateLimitedError(this.connection, seconds, why)
    }
    if (this.limit) {
      this.starts.push(at)
      if (this.starts.length > this.limit.requests) this.starts.splice(0, this.starts.length - this.limit.requests)
    }
    return at - now
  }

  /** The CRM said how much is left: stop before it answers 429. */
  observeBudget(remaining: number, resetMs: number): void {
    if (remaining <= 0) this.pause(resetMs, false)
  }

  pause(ms: number, daily: boolean): void {
    const until = this.now() + ms
    if (until > this.pausedUntil) {
      this.pausedUntil = until
      this.pausedDaily = daily
    }
  }
}

export function rateLimitLayer(limiter: SlidingWindowLimiter, signals: RateLimitSignals): Layer {
  return (next) => async (attempt) => {
    const wait = limiter.reserve(attempt.options.deadline)
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal: attempt.options.signal })
      } catch {
        throw new TransportError('aborted', 'ABORTED')
      }
    }
    attempt.waitedMs = wait
    const response = await next(attempt)
    const budget = signals.budget?.(response)
    if (budget) limiter.observeBudget(budget.remaining, budget.resetMs)
    if (response.status === 429) {
      const asked = signals.retryAfter?.(response)
      const ms = asked?.ms ?? retryAfterMs(response)
      if (ms !== undefined) limiter.pause(ms, asked?.daily === true)
    }
    return response
  }
}
