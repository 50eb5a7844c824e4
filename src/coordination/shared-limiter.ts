import type { PauseCapConfig, RateLimitConfig } from '../config/schema.ts'
import { UpstreamRateLimitedError } from '../errors.ts'
import { type Booking, type RateLimiter, SlidingWindowLimiter } from '../upstream/rate-limit.ts'
import { COMMAND_TIMEOUT_MS, type Coordination, RECONNECT_MAX_MS } from './redis.ts'

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
 * After the wait: the window checked again against the calls that really went out (KEYS[1]), as
 * the local limiter's `admit` does, since a replica whose timer fired late must not let the next
 * call of another replica in early. Returns how much longer to wait, or 0 and the call's member:
 * it is kept at the end of its deadline (ARGV[4] from now) until `ANSWERED` moves it to when its
 * answer came, and counted as of now while it is out (`rate-limit.ts` says why). A replica that
 * dies with calls out leaves them to count until their deadlines, then to leave the window.
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, interval, margin, out = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if limit == 0 then return {0, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval - margin)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  return {math.min(tonumber(oldest[2]), now) + interval + margin - now, 0}
end
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], now + out, seq)
for _, key in ipairs(KEYS) do
  if redis.call('PTTL', key) < interval * 2 + margin + out then redis.call('PEXPIRE', key, interval * 2 + margin + out) end
end
return {0, seq}
`

/** A call's answer came: it counts as of now (Redis' clock), if the window still holds it. */
const ANSWERED = `
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return 0
`

/**
 * What a replica sent while Redis was unreachable, written back when it answers again, and the
 * moment the replicas book there again. KEYS: the booked window, the window of calls that went
 * out, its sequence, the moment. ARGV: the window, its margin, whether to set the moment when
 * none is set (1), how far ahead, how many calls were answered, then per call a number of
 * milliseconds (ago for an answered call, until its deadline for one still out) and its member
 * (0 for a new one). A member the window had keeps its place, so nothing is counted twice when
 * Redis kept its data, and everything is back when it lost it; the sequence is raised past the
 * members written, so new calls never take one. Returns the milliseconds until the moment, then
 * each call's member.
 */
const HAND_BACK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval, margin, set, after, answered = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local members, top, longest = {}, tonumber(redis.call('GET', KEYS[3]) or '0'), 0
for i = 6, #ARGV, 2 do
  local ms, seq = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  if seq == 0 then top = top + 1; seq = top elseif seq > top then top = seq end
  local at = now + ms
  if (i - 6) / 2 < answered then at = now - ms end
  redis.call('ZADD', KEYS[2], at, seq)
  redis.call('ZADD', KEYS[1], math.min(at, now), 'back:' .. seq)
  longest = math.max(longest, at - now)
  members[#members + 1] = seq
end
if #members > 0 then
  redis.call('SET', KEYS[3], top)
  for k = 1, 3 do
    if redis.call('PTTL', KEYS[k]) < interval * 2 + margin + longest then redis.call('PEXPIRE', KEYS[k], interval * 2 + margin + longest) end
  end
end
local resume = tonumber(redis.call('GET', KEYS[4]) or '0')
if resume == 0 and set == '1' then
  resume = now + after
  redis.call('SET', KEYS[4], resume, 'PX', after + interval + margin)
end
return {math.max(0, resume - now), unpack(members)}
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

/**
 * When replicas find Redis again, they book there together, this long after the first of them
 * did: by then every one has found it (each tries at least every `RECONNECT_MAX_MS`) and written
 * back what it sent meanwhile. Booking there before the others have would let this replica take
 * what they are still sending on their own.
 */
const RESUME_AFTER_MS = RECONNECT_MAX_MS + COMMAND_TIMEOUT_MS

/** A call this replica let go: its member in Redis' window (0 while it has none), its deadline,
 * and when its answer came. */
interface Sent {
  seq: number
  readonly until: number
  at?: number
  /** Being written to Redis: not to be written twice. */
  telling?: boolean
}

/**
 * Redis is an optimisation, never a cause of failure. Between the shared window and this
 * replica's share of it (`rateLimit / replicas`), what is left of the window is handed over, and
 * traffic never waits out a whole one:
 *
 * - this replica keeps its own record of the calls it sent (`local`), so when Redis goes it goes
 *   on from what it sent in the shared window, at its share: a replica that sent more than its
 *   share waits for its own calls to leave the window, the others go on at once. It cannot know
 *   what the others sent: with even traffic they sent their shares; with uneven traffic the
 *   window may briefly hold more than the limit.
 * - when Redis answers again, it writes back what it sent in the last window (`HAND_BACK`), and
 *   every call it sends meanwhile, and books there again at the moment the first replica to
 *   return set (`RESUME_AFTER_MS`), so the replicas switch together and the shared window holds
 *   everything each sent on its own.
 * - every wait, shared or local, is weighed against the request's deadline: one past it is a 503
 *   with `Retry-After` at once. A Redis command answers within a second (`redis.ts`), or fails and
 *   the call is booked locally.
 */
export class SharedLimiter implements RateLimiter {
  /** This replica's share of the window, and its record of its own calls. */
  private readonly local: SlidingWindowLimiter
  private readonly marginMs: number
  /** The key of this window: the connection's, or one of its route groups'. */
  private readonly base: string[]
  /** Whether calls are booked in Redis; else in `local`, until `resumeAt` once written back. */
  private joined = false
  private resumeAt = Number.POSITIVE_INFINITY
  private handingBack: Promise<void> | undefined
  /** Redis failed under a call or a hand-back: it is not asked to take calls back before this. */
  private quietUntil = Number.NEGATIVE_INFINITY
  /** This replica's calls without an answer, oldest first, and those answered in the last window. */
  private readonly out: Sent[] = []
  private readonly answers: Sent[] = []
  /** Whether it ever let a call go: one that never did has nothing to write back, and need not
   * hold the others to a common moment (a replica that starts). */
  private used = false

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
  }

  async reserve(deadline: number): Promise<Booking> {
    if (await this.sharing()) {
      try {
        const [verdict, wait, why] = (await this.coordination.script('limiterReserve', 3, RESERVE)(
          [this.key(), this.key('pause'), this.key('seq')],
          [
            this.limit?.requests ?? 0,
            this.limit?.intervalMs ?? 0,
            this.marginMs,
            Math.max(0, deadline - this.now()),
            this.cap.windowMs,
            this.cap.dailyMs,
          ],
        )) as [number, number, number]
        if (verdict < 0) throw new UpstreamRateLimitedError(this.connection, Math.max(1, Math.ceil(wait / 1000)), why === 1)
        // `why` is the booking's sequence number when it was booked.
        return { wait, cancel: () => this.cancel(why) }
      } catch (error) {
        if (error instanceof UpstreamRateLimitedError) throw error
        this.failed()
      }
    }
    return this.local.reserve(deadline)
  }

  /** Frees a booking in the shared window; a Redis failure leaves it to expire with the window. */
  private cancel(seq: number): void {
    if (seq <= 0 || this.coordination.state !== 'shared') return
    this.coordination.redis.zrem(this.key(), String(seq)).catch(() => {})
  }

  /** This replica's own window when it books locally; the shared window is Redis's to judge, in
   * `admit`, which asking twice would only make slower. */
  async peek(deadline: number): Promise<number> {
    return (await this.sharing()) ? 0 : this.local.peek(deadline)
  }

  async admit(deadline: number): Promise<number> {
    if (await this.sharing()) {
      try {
        const [wait, seq] = (await this.coordination.script('limiterAdmit', 2, ADMIT)(
          [this.key('sent'), this.key('sent-seq')],
          [this.limit?.requests ?? 0, this.limit?.intervalMs ?? 0, this.marginMs, Math.max(0, deadline - this.now())],
        )) as [number, number]
        if (wait > 0) {
          if (this.now() + wait > deadline) throw new UpstreamRateLimitedError(this.connection, Math.max(1, Math.ceil(wait / 1000)))
          return wait
        }
        this.local.count()
        this.track({ seq, until: deadline })
        return 0
      } catch (error) {
        if (error instanceof UpstreamRateLimitedError) throw error
        this.failed()
      }
    }
    const wait = this.local.admit(deadline)
    if (wait > 0) return wait
    const call: Sent = { seq: 0, until: deadline }
    this.track(call)
    // Redis answers again, and the replicas have not switched back yet: it learns of the call now.
    if (this.coordination.state === 'shared') void this.tell([call], false).catch(() => {})
    return 0
  }

  answered(): void {
    this.local.answered()
    const call = this.out.shift()
    if (!call) return
    call.at = this.now()
    this.answers.push(call)
    this.forget()
    if (call.seq > 0) this.tellAnswered(call.seq)
  }

  observeBudget(remaining: number, resetMs: number, daily = false): void {
    // As in SlidingWindowLimiter: a configured window already knows; daily caps always count.
    if (remaining <= 0 && (daily || !this.limit)) this.pause(resetMs, daily)
  }

  /**
   * Forecasts from the configured window alone when shared: the other replicas' bookings are in
   * Redis, and a forecast is only for deciding how much of a batch to attempt, so it does not ask.
   */
  capacity(deadline: number): number {
    if (!this.booksShared()) return this.local.capacity(deadline)
    if (!this.limit) return Number.POSITIVE_INFINITY
    return Math.max(0, Math.floor((this.limit.requests * (deadline - this.now())) / (this.limit.intervalMs + this.marginMs)))
  }

  timeFor(calls: number): number {
    if (!this.booksShared()) return this.local.timeFor(calls)
    if (!this.limit || calls <= 0) return 0
    return Math.ceil(calls / this.limit.requests) * (this.limit.intervalMs + this.marginMs)
  }

  pause(ms: number, daily: boolean): void {
    this.local.pause(ms, daily)
    if (this.coordination.state !== 'shared') return
    this.coordination
      .script('limiterPause', 1, PAUSE)([this.key('pause')], [Math.ceil(ms), daily ? 1 : 0])
      .catch(() => {})
  }

  private booksShared(): boolean {
    return this.joined && this.coordination.state === 'shared'
  }

  /**
   * Whether this call is booked in Redis. Leaves it when it is unreachable; when it answers
   * again, writes back what this replica sent meanwhile (once, awaited by the calls that come
   * meanwhile) and joins at the moment the replicas agreed on.
   */
  private async sharing(): Promise<boolean> {
    if (this.coordination.state !== 'shared') {
      this.leave()
      return false
    }
    if (!this.joined && this.resumeAt === Number.POSITIVE_INFINITY) await this.handBack()
    if (!this.joined && this.now() >= this.resumeAt) this.joined = true
    return this.joined
  }

  private leave(): void {
    this.joined = false
    this.resumeAt = Number.POSITIVE_INFINITY
  }

  /** Redis failed under a call, perhaps before its connection reports closing: the call is booked
   * locally, and Redis is asked again no sooner than a command's timeout from now. */
  private failed(): void {
    this.leave()
    this.quietUntil = this.now() + COMMAND_TIMEOUT_MS
  }

  private handBack(): Promise<void> {
    if (this.handingBack) return this.handingBack
    if (this.now() < this.quietUntil) return Promise.resolve()
    this.forget()
    this.handingBack = this.tell([...this.answers, ...this.out], this.used)
      .then((resumeIn) => {
        this.resumeAt = this.now() + resumeIn
      })
      .catch(() => {
        this.quietUntil = this.now() + COMMAND_TIMEOUT_MS
      })
      .finally(() => {
        this.handingBack = undefined
      })
    return this.handingBack
  }

  /** Writes `calls` to Redis' window (`HAND_BACK`), setting the common moment if `hold` and none
   * is set; the milliseconds until it. Each call learns its member; one answered meanwhile is
   * then moved to when it was. */
  private async tell(calls: Sent[], hold: boolean): Promise<number> {
    if (!this.limit) return 0
    const told = calls.filter((call) => !call.telling)
    const answered = told.filter((call) => call.at !== undefined)
    const out = told.filter((call) => call.at === undefined)
    const now = this.now()
    for (const call of told) call.telling = true
    try {
      const [resumeIn, ...members] = (await this.coordination.script('limiterHandBack', 4, HAND_BACK)(
        [this.key(), this.key('sent'), this.key('sent-seq'), this.key('resume')],
        [
          this.limit.intervalMs,
          this.marginMs,
          hold ? 1 : 0,
          RESUME_AFTER_MS,
          answered.length,
          ...answered.flatMap((call) => [now - call.at!, call.seq]),
          ...out.flatMap((call) => [Math.max(0, call.until - now), call.seq]),
        ],
      )) as number[]
      ;[...answered, ...out].forEach((call, i) => {
        call.seq = members[i]!
      })
      for (const call of out) if (call.at !== undefined) this.tellAnswered(call.seq)
      return resumeIn!
    } finally {
      for (const call of told) call.telling = false
    }
  }

  private tellAnswered(seq: number): void {
    if (this.coordination.state !== 'shared') return
    this.coordination
      .script('limiterAnswered', 1, ANSWERED)([this.key('sent')], [seq])
      .catch(() => {})
  }

  private track(call: Sent): void {
    if (!this.limit) return
    this.used = true
    this.out.push(call)
  }

  /** Drops answered calls that have left the window: none of them is written back. */
  private forget(): void {
    const expired = this.now() - (this.limit?.intervalMs ?? 0) - this.marginMs
    while (this.answers.length > 0 && this.answers[0]!.at! <= expired) this.answers.shift()
  }

  private key(...parts: string[]): string {
    return this.coordination.key(...this.base, ...parts)
  }
}
