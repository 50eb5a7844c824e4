import { setTimeout as sleep } from 'node:timers/promises'
import type { RateLimitConfig } from '../config/schema.ts'
import { UpstreamRateLimitedError } from '../errors.ts'
import { TransportError } from './transport.ts'
import type { Attempt, Layer } from './types.ts'
import type { Waits } from './waits.ts'

/**
 * A sliding-window limiter: at most `requests` calls start in any `intervalMs` window. We chose
 * it over a token bucket because CRMs count rolling windows (HubSpot's TEN_SECONDLY_ROLLING): a
 * full bucket spent at the end of one window and refilled at the start of the next would pass
 * twice the limit inside one rolling window.
 *
 * Two steps per call. `reserve` books the earliest free start in queue order, which tells at
 * once whether the call can start before its deadline (else 503 with `Retry-After`), and how long
 * to sleep. `admit`, when the sleep ends, checks the window against the calls that really went
 * out: a timer that fired late must not let a later call in early.
 *
 * A call that went out counts in the window as of when its answer came (`answered`), and as of
 * now while it has none: the CRM counted it when it arrived, somewhere between the two, and we
 * cannot see when. Counting it from when it was let go drew 429s: the first calls on new
 * connections (a TCP and TLS handshake, a cold start) arrived 200 to 400 ms after they were let
 * go, while the next window's, on warm connections, arrived within 40 ms, so ten searches of one
 * window and the first of the next met in Pipedrive's 10-per-2-s window (8 of 248 answered 429
 * with a 50 ms margin). A call's own round trip is the margin it needs, and costs only that.
 * `marginMs` (by default 2% of the window, at least 50 ms) is added for a CRM whose servers'
 * clocks differ.
 */
/**
 * What the rate-limit layer needs of a limiter. `SlidingWindowLimiter` keeps the window in this
 * process; `src/coordination/shared-limiter.ts` keeps it in Redis, shared by every replica.
 */
/** A start booked in a limiter's window: how long to wait for it, and how to give it back. */
export interface Booking {
  readonly wait: number
  /** Frees the start for others: the call it was booked for will not go out (cancelled, or past
   * its deadline while it waited). */
  cancel(): void
}

export interface RateLimiter {
  /** Books a start no later than `deadline` and says how long to wait for it, or throws 503. */
  reserve(deadline: number): Booking | Promise<Booking>
  /** After the wait: how much longer before the call may go out (0: go, and it counts as out
   * until `answered`). */
  admit(deadline: number): number | Promise<number>
  /** A call this limiter let go has its answer, or failed: it counts as of now. */
  answered(): void
  /** What `admit` would answer now, without counting the call: for a call under several
   * limiters, which must all let it go at the same moment. May answer 0 where it cannot know
   * (another replica's window): `admit` still decides. */
  peek(deadline: number): number | Promise<number>
  /** The CRM said how much is left: stop before it answers 429 (daily caps, unconfigured windows). */
  observeBudget(remaining: number, resetMs: number, daily?: boolean): void
  /** Holds every call for `ms` (a 429's wait; `daily`: a spent daily cap, fail fast through it). */
  pause(ms: number, daily: boolean): void
  /** How many more calls could start before `deadline`, counting the ones already booked. */
  capacity(deadline: number): number
  /** Milliseconds from now until `calls` more calls could all have started. */
  timeFor(calls: number): number
}

/** Forecasts stop here: no batch needs to know about more calls than this. */
const MAX_FORECAST = 100_000

export class SlidingWindowLimiter implements RateLimiter {
  private readonly booked: number[] = []
  /** When the calls that went out were answered, oldest first; `out` more have no answer yet. */
  private readonly sent: number[] = []
  private out = 0
  private pausedUntil = 0
  private pausedDaily = false
  private readonly marginMs: number

  constructor(
    private readonly limit: RateLimitConfig | undefined,
    private readonly connection: string,
    private readonly now: () => number = Date.now,
  ) {
    this.marginMs = limit ? (limit.marginMs ?? Math.max(50, Math.ceil(limit.intervalMs * 0.02))) : 0
  }

  /** Books a start no later than `deadline`; says how long to wait for it. */
  reserve(deadline: number): Booking {
    const now = this.now()
    const at = Math.max(now, this.nextFree(this.booked), this.booked.at(-1) ?? 0)
    this.refuseBeyond(at, now, deadline)
    this.remember(this.booked, at)
    return {
      wait: at - now,
      cancel: () => {
        const index = this.booked.lastIndexOf(at)
        if (index >= 0) this.booked.splice(index, 1)
      },
    }
  }

  peek(deadline: number): number {
    const now = this.now()
    const at = this.nextSend(now)
    if (at <= now) return 0
    this.refuseBeyond(at, now, deadline)
    return at - now
  }

  /** Milliseconds still to wait before a call may really go out; 0 counts it as out. */
  admit(deadline: number): number {
    const now = this.now()
    const at = this.nextSend(now)
    if (at <= now) {
      this.out++
      return 0
    }
    this.refuseBeyond(at, now, deadline)
    return at - now
  }

  answered(): void {
    this.out = Math.max(0, this.out - 1)
    this.remember(this.sent, this.now(), this.out)
  }

  /** Counts a call that another window let go as out: the shared window's, whose calls this
   * replica keeps a record of for when Redis goes (`shared-limiter.ts`). */
  count(): void {
    this.out++
  }

  capacity(deadline: number): number {
    if (!this.limit) return Number.POSITIVE_INFINITY
    return this.simulate((_count, at) => at <= deadline, MAX_FORECAST)
  }

  timeFor(calls: number): number {
    if (!this.limit || calls <= 0) return 0
    let last = this.now()
    this.simulate((count, at) => {
      last = at
      return count < calls
    }, calls)
    return Math.max(0, last - this.now())
  }

  /** Books starts on a copy of the window while `more(count, at)` holds; how many it booked. */
  private simulate(more: (count: number, at: number) => boolean, most: number): number {
    const starts = [...this.booked]
    let count = 0
    while (count < most) {
      const at = Math.max(this.now(), this.nextFree(starts), starts.at(-1) ?? 0)
      if (!more(count, at)) break
      starts.push(at)
      count++
    }
    return count
  }

  private refuseBeyond(at: number, now: number, deadline: number): void {
    if (at <= deadline) return
    const seconds = Math.max(1, Math.ceil((at - now) / 1000))
    throw new UpstreamRateLimitedError(this.connection, seconds, this.pausedDaily && at === this.pausedUntil)
  }

  observeBudget(remaining: number, resetMs: number, daily = false): void {
    // With a configured window this limiter already knows when the CRM's window has room, and a
    // window that is full at the end of every slot is how a limit is used to the full; the CRM's
    // word matters when no window is configured, and always for a daily cap.
    if (remaining <= 0 && (daily || !this.limit)) this.pause(resetMs, daily)
  }

  pause(ms: number, daily: boolean): void {
    const until = this.now() + ms
    if (until > this.pausedUntil) {
      this.pausedUntil = until
      this.pausedDaily = daily
    }
  }

  private nextFree(starts: readonly number[]): number {
    if (!this.limit || starts.length < this.limit.requests) return this.pausedUntil
    // Starts are kept sorted: the one `requests` from the end opens the next slot.
    return Math.max(this.pausedUntil, starts[starts.length - this.limit.requests]! + this.limit.intervalMs + this.marginMs)
  }

  /** When the window of calls that went out next has room: the calls still out are the latest,
   * counted as answered now, so a wait on them is never too long (their answers come later). */
  private nextSend(now: number): number {
    if (!this.limit) return this.pausedUntil
    const index = this.sent.length + this.out - this.limit.requests
    if (index < 0) return this.pausedUntil
    const from = index < this.sent.length ? this.sent[index]! : now
    return Math.max(this.pausedUntil, from + this.limit.intervalMs + this.marginMs)
  }

  /**
   * Records a start. Starts that have left the window are dropped, but never so many that fewer
   * than `requests` remain with the `others` counted apart: a cancelled booking must not let a
   * start the window still holds be forgotten.
   */
  private remember(starts: number[], at: number, others = 0): void {
    if (!this.limit) return
    starts.push(at)
    const expired = this.now() - this.limit.intervalMs - this.marginMs
    while (starts.length + others > this.limit.requests && starts[0]! <= expired) starts.shift()
  }
}

/**
 * Waits for every limiter a call is under (a route group's and the connection's), books the call
 * in each, tells each when its answer came, and feeds each answer back: the CRM's budget to the
 * connection's limiter, a 429's wait to the group's limiter (a daily cap to the connection's).
 */
export function rateLimitLayer(limitersOf: (attempt: Attempt) => readonly RateLimiter[], waits: Waits): Layer {
  return (next) => async (attempt) => {
    const limiters = limitersOf(attempt)
    attempt.waitedMs = await passage(limiters, attempt)
    let response: Awaited<ReturnType<typeof next>>
    try {
      response = await next(attempt)
    } finally {
      for (const limiter of limiters) limiter.answered()
    }
    const connection = limiters.at(-1)!
    const budget = waits.budget(response)
    if (budget) connection.observeBudget(budget.remaining, budget.resetMs, budget.daily)
    if (response.status === 429) {
      const asked = waits.asked(response)
      if (asked) (asked.daily ? connection : limiters[0]!).pause(asked.ms, asked.daily)
    }
    return response
  }
}

/**
 * Books the attempt in every limiter and sleeps until all of them let it go; how long it waited.
 * The call counts as sent in every window at the moment it really goes: each limiter is asked
 * (`peek`) before any counts it, so a group's window never holds a send the connection's window
 * then delayed (which let 13 searches into Pipedrive's 10-per-2-s window right after a burst of
 * creates). Where a limiter still says wait once the others have counted the call (another
 * replica took the slot in between), the ones that counted it take it as answered at once and the
 * whole passage starts again: a window may then hold one send too many for a moment, which slows
 * calls, and never one too few, which would let them past the CRM's limit.
 */
async function passage(limiters: readonly RateLimiter[], attempt: Attempt): Promise<number> {
  const { deadline, signal } = attempt.options
  const bookings: Booking[] = []
  let waited = 0
  const rest = async (ms: number) => {
    try {
      await sleep(ms, undefined, { signal })
    } catch (error) {
      throw new TransportError('aborted', 'ABORTED', 'ABORTED', { cause: error })
    }
    waited += ms
  }
  try {
    for (const limiter of limiters) bookings.push(await limiter.reserve(deadline))
    let wait = Math.max(0, ...bookings.map((booking) => booking.wait))
    for (;;) {
      if (wait > 0) await rest(wait)
      wait = 0
      for (const limiter of limiters) wait = Math.max(wait, await limiter.peek(deadline))
      if (wait > 0) continue
      let admitted = 0
      try {
        for (const limiter of limiters) {
          wait = await limiter.admit(deadline)
          if (wait > 0) break
          admitted++
        }
      } finally {
        if (admitted < limiters.length) for (const limiter of limiters.slice(0, admitted)) limiter.answered()
      }
      if (wait === 0) return waited
    }
  } catch (error) {
    // The call will not go out: its starts go back to the others.
    for (const booking of bookings) booking.cancel()
    throw error
  }
}
