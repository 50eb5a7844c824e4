import type { PauseCapConfig, RateLimitConfig } from '../config/schema.ts'
import { UpstreamRateLimitedError } from '../errors.ts'
import { type Booking, type RateLimiter, SlidingWindowLimiter } from '../upstream/rate-limit.ts'
import type { Coordination } from './redis.ts'

/**
 * The sliding window of `rate-limit.ts`, kept in Redis so every replica books from one budget.
 * One Lua script books atomically, on Redis' clock (the replicas' clocks may differ): it reads a
 * pause (a 429's wait or a spent daily cap, learned by any replica), takes the earliest start that
 * keeps at most `requests` starts in any `intervalMs`, and records it. A pause is honoured up to
 * this replica's own `pauseCap` from now, whatever another replica wrote. We wrote the script rather
 * than take rate-limiter-flexible: its Redis limiters count fixed windows, which let twice the
 * limit through around a window's edge, and CRMs count rolling windows.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, interval, margin, maxWait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local windowCap, dailyCap = tonumber(ARGV[5]), tonumber(ARGV[6])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
local pausedUntil, daily = math.floor(pause / 10), pause % 10
if daily == 1 then pausedUntil = math.min(pausedUntil, now + dailyCap) else pausedUntil = math.min(pausedUntil, now + windowCap) end
local at = math.max(now, pausedUntil)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval - margin)
local count = redis.call('ZCARD', KEYS[1])
if limit > 0 and count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  at = math.max(at, tonumber(oldest[2]) + interval + margin)
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then at = math.max(at, tonumber(last[2])) end
if at - now > maxWait then
  local why = 0
  if daily == 1 and at == pausedUntil then why = 1 end
  return {-1, at - now, why}
end
local seq = 0
if limit > 0 then
  seq = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[1], at, seq)
  redis.call('PEXPIRE', KEYS[1], interval * 2 + at - now)
  redis.call('PEXPIRE', KEYS[3], interval * 2 + at - now)
end
return {0, at - now, seq}
`

/**
 * After the wait: the window checked again against the times calls really went out (KEYS[1]), as
 * the local limiter's `admit` does, since a replica whose timer fired late must not let the next
 * call of another replica in early. Returns how much longer to wait; 0 records the send.
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, interval, margin = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if limit == 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval - margin)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  local free = tonumber(oldest[2]) + interval + margin
  if free > now then return free - now end
end
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], now, seq)
redis.call('PEXPIRE', KEYS[1], interval * 2)
redis.call('PEXPIRE', KEYS[2], interval * 2)
return 0
`

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms, daily = tonumber(ARGV[1]), tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local value = (now + ms) * 10 + daily
if value > current then redis.call('SET', KEYS[1], value, 'PX', ms) end
return 0
`

export class SharedLimiter implements RateLimiter {
  private readonly local: SlidingWindowLimiter
  private readonly marginMs: number
  /** After a change between shared and degraded, nothing starts until the other side's window has passed. */
  private holdUntil = 0
  private used = false
  /** The key of this window: the connection's, or one of its route groups'. */
  private readonly base: string[]
  /** Coordination outlives every reload; a limiter of a replaced connection must stop listening to it. */
  private readonly unsubscribe: () => void

  constructor(
    private readonly coordination: Coordination,
    private readonly connection: string,
    private readonly limit: RateLimitConfig | undefined,
    private readonly cap: PauseCapConfig,
    /** A route group the CRM limits apart: its window is kept under keys of its own. */
    group?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.base = group ? ['rl', connection, 'group', group] : ['rl', connection]
    const share = limit && { ...limit, requests: Math.max(1, Math.floor(limit.requests / coordination.replicas)) }
    this.local = new SlidingWindowLimiter(share, connection, now)
    this.marginMs = limit ? (limit.marginMs ?? Math.max(50, Math.ceil(limit.intervalMs * 0.02))) : 0
    this.unsubscribe = coordination.onChange(() => {
      // The window just left may still hold calls the new one does not know of: wait it out. A
      // replica that has sent nothing yet (the first connection to Redis at start) has none.
      if (!this.used) return
      this.holdUntil = Math.max(this.holdUntil, this.now() + (limit?.intervalMs ?? 0) + this.marginMs)
    })
  }

  async reserve(deadline: number): Promise<Booking> {
    this.used = true
    let hold = Math.max(0, this.holdUntil - this.now())
    if (this.coordination.state === 'shared') {
      try {
        const [verdict, wait, why] = (await this.coordination.script('limiterReserve', 3, RESERVE)(
          [this.coordination.key(...this.base), this.coordination.key(...this.base, 'pause'), this.coordination.key(...this.base, 'seq')],
          [
            this.limit?.requests ?? 0,
            this.limit?.intervalMs ?? 0,
            this.marginMs,
            Math.max(0, deadline - this.now() - hold),
            this.cap.windowMs,
            this.cap.dailyMs,
          ],
        )) as [number, number, number]
        if (verdict < 0) {
          const seconds = Math.max(1, Math.ceil((wait + hold) / 1000))
          throw new UpstreamRateLimitedError(this.connection, seconds, why === 1)
        }
        // `why` is the booking's sequence number when it was booked.
        return { wait: hold + wait, cancel: () => this.cancel(why) }
      } catch (error) {
        if (error instanceof UpstreamRateLimitedError) throw error
        // Redis failed under us, maybe before its connection reports closing: from now on calls
        // are booked locally, after the shared window has passed.
        this.holdUntil = Math.max(this.holdUntil, this.now() + (this.limit?.intervalMs ?? 0) + this.marginMs)
        hold = this.holdUntil - this.now()
      }
    }
    if (this.now() + hold > deadline) {
      throw new UpstreamRateLimitedError(this.connection, Math.max(1, Math.ceil(hold / 1000)))
    }
    const booking = this.local.reserve(deadline - hold)
    return { wait: hold + booking.wait, cancel: booking.cancel }
  }

  /** Frees a booking in the shared window; a Redis failure leaves it to expire with the window. */
  private cancel(seq: number): void {
    if (seq <= 0 || this.coordination.state !== 'shared') return
    this.coordination.redis.zrem(this.coordination.key(...this.base), String(seq)).catch(() => {})
  }

  /** The hold, and this replica's own window when Redis is not shared; the shared window is
   * Redis's to judge, in `admit`, which asking twice would only make slower. */
  peek(deadline: number): number {
    const hold = this.holdUntil - this.now()
    if (hold > 0) return hold
    return this.coordination.state === 'shared' ? 0 : this.local.peek(deadline)
  }

  async admit(deadline: number): Promise<number> {
    // A call booked before a switch between shared and degraded waits out the hold too.
    const hold = this.holdUntil - this.now()
    if (hold > 0) return hold
    if (this.coordination.state === 'shared') {
      try {
        const wait = (await this.coordination.script('limiterAdmit', 2, ADMIT)(
          [this.coordination.key(...this.base, 'sent'), this.coordination.key(...this.base, 'sent-seq')],
          [this.limit?.requests ?? 0, this.limit?.intervalMs ?? 0, this.marginMs],
        )) as number
        if (wait > 0 && this.now() + wait > deadline) {
          throw new UpstreamRateLimitedError(this.connection, Math.max(1, Math.ceil(wait / 1000)))
        }
        return wait
      } catch (error) {
        if (error instanceof UpstreamRateLimitedError) throw error
        this.holdUntil = Math.max(this.holdUntil, this.now() + (this.limit?.intervalMs ?? 0) + this.marginMs)
        return this.holdUntil - this.now()
      }
    }
    return this.local.admit(deadline)
  }

  observeBudget(remaining: number, resetMs: number, daily = false): void {
    // As in SlidingWindowLimiter: a configured window already knows; daily caps always count.
    if (remaining <= 0 && (daily || !this.limit)) this.pause(resetMs, daily)
  }

  /**
   * Forecasts from the configured window alone: the other replicas' bookings are in Redis, and a
   * forecast is only for deciding how much of a batch to attempt, so it does not ask.
   */
  capacity(deadline: number): number {
    if (!this.limit) return Number.POSITIVE_INFINITY
    const hold = Math.max(0, this.holdUntil - this.now())
    return Math.max(0, Math.floor((this.limit.requests * (deadline - this.now() - hold)) / (this.limit.intervalMs + this.marginMs)))
  }

  timeFor(calls: number): number {
    if (!this.limit || calls <= 0) return 0
    return Math.max(0, this.holdUntil - this.now()) + Math.ceil(calls / this.limit.requests) * (this.limit.intervalMs + this.marginMs)
  }

  close(): void {
    this.unsubscribe()
  }

  pause(ms: number, daily: boolean): void {
    this.local.pause(ms, daily)
    if (this.coordination.state !== 'shared') return
    this.coordination
      .script('limiterPause', 1, PAUSE)([this.coordination.key(...this.base, 'pause')], [Math.ceil(ms), daily ? 1 : 0])
      .catch(() => {})
  }
}
