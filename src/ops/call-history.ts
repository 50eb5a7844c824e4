import type { AttemptRecord } from '../upstream/client.ts'

/** One bucket is 10 minutes, and 144 of them are the 24 hours the status page draws. */
export const BUCKET_MS = 10 * 60_000
export const BUCKETS = 144
/** The last hour: the bucket under way and the five before it (50 to 60 minutes). */
const HOUR_BUCKETS = 6

/** What one connection's calls did in 10 minutes, as this process saw them. */
export interface Bucket {
  /** When the bucket began (ms since the epoch). */
  readonly start: number
  /** Attempts sent to the CRM, retries included. */
  readonly calls: number
  /** Answers 429: the CRM's rate limit. */
  readonly throttled: number
  /** Attempts that waited for the connection's rate limiter, and how long in all. */
  readonly waits: number
  readonly waitedMs: number
  /** Answers 5xx, and calls that got no answer (refused, reset, timed out). */
  readonly failed: number
  /** The CRM's daily budget left at the bucket's last answer that said it, and its size. */
  readonly dailyLeft?: number
  readonly dailyLimit?: number
}

export type HourSums = Pick<Bucket, 'calls' | 'throttled' | 'waits' | 'waitedMs' | 'failed'>

/** A connection's 144 buckets in fixed arrays, written in a ring: about 7 KiB, however busy. */
class Series {
  /** The bucket number (time / BUCKET_MS) each slot holds; -1 for none. */
  readonly number = new Float64Array(BUCKETS).fill(-1)
  readonly calls = new Uint32Array(BUCKETS)
  readonly throttled = new Uint32Array(BUCKETS)
  readonly waits = new Uint32Array(BUCKETS)
  readonly waitedMs = new Float64Array(BUCKETS)
  readonly failed = new Uint32Array(BUCKETS)
  readonly dailyLeft = new Float64Array(BUCKETS).fill(Number.NaN)
  readonly dailyLimit = new Float64Array(BUCKETS).fill(Number.NaN)
  /** The newest bucket number written. */
  last = -1

  /** The slot of bucket `number`, emptied first when it still holds an older bucket. */
  slot(number: number): number {
    const slot = number % BUCKETS
    if (this.number[slot] !== number) {
      this.number[slot] = number
      this.calls[slot] = this.throttled[slot] = this.waits[slot] = this.failed[slot] = 0
      this.waitedMs[slot] = 0
      this.dailyLeft[slot] = this.dailyLimit[slot] = Number.NaN
    }
    this.last = Math.max(this.last, number)
    return slot
  }

  bucket(number: number): Bucket {
    const slot = number % BUCKETS
    const start = number * BUCKET_MS
    if (this.number[slot] !== number) return { start, calls: 0, throttled: 0, waits: 0, waitedMs: 0, failed: 0 }
    const left = this.dailyLeft[slot]!
    const limit = this.dailyLimit[slot]!
    return {
      start,
      calls: this.calls[slot]!,
      throttled: this.throttled[slot]!,
      waits: this.waits[slot]!,
      waitedMs: this.waitedMs[slot]!,
      failed: this.failed[slot]!,
      ...(!Number.isNaN(left) && { dailyLeft: left }),
      ...(!Number.isNaN(limit) && { dailyLimit: limit }),
    }
  }
}

/**
 * The last 24 hours of each connection's CRM calls, in 10-minute buckets, from the upstream
 * client's attempt records: the status page's charts. This process's own calls only (each replica
 * keeps its own). Memory is bounded: a connection has one fixed-size ring once it has called its
 * CRM, and a connection with no call for 24 hours is dropped when another one starts.
 */
export class CallHistory {
  private readonly series = new Map<string, Series>()
  /** The bucket in which idle series were last looked for: once per bucket is enough. */
  private swept = -1

  constructor(private readonly now: () => number = Date.now) {}

  observe = (record: AttemptRecord): void => {
    const number = Math.floor(this.now() / BUCKET_MS)
    let series = this.series.get(record.connection)
    if (!series) {
      this.forgetIdle(number)
      series = new Series()
      this.series.set(record.connection, series)
    }
    const slot = series.slot(number)
    series.calls[slot]!++
    if (record.outcome === 429) series.throttled[slot]!++
    if (typeof record.outcome === 'string' || record.outcome >= 500) series.failed[slot]!++
    if (record.waitedMs > 0) {
      series.waits[slot]!++
      series.waitedMs[slot]! += record.waitedMs
    }
    const { daily } = record
    if (daily && Number.isFinite(daily.remaining) && daily.remaining >= 0) {
      series.dailyLeft[slot] = daily.remaining
      series.dailyLimit[slot] = daily.limit !== undefined && Number.isFinite(daily.limit) && daily.limit > 0 ? daily.limit : Number.NaN
    }
  }

  /** The connection's last 24 hours, oldest bucket first, the one under way last. */
  day(connection: string): Bucket[] {
    const newest = Math.floor(this.now() / BUCKET_MS)
    const series = this.series.get(connection)
    return Array.from({ length: BUCKETS }, (_, i) => {
      const number = newest - BUCKETS + 1 + i
      return series ? series.bucket(number) : { start: number * BUCKET_MS, calls: 0, throttled: 0, waits: 0, waitedMs: 0, failed: 0 }
    })
  }

  /** Sums of the last hour of `day`. */
  static hour(day: readonly Bucket[]): HourSums {
    const sums = { calls: 0, throttled: 0, waits: 0, waitedMs: 0, failed: 0 }
    for (const bucket of day.slice(-HOUR_BUCKETS)) {
      sums.calls += bucket.calls
      sums.throttled += bucket.throttled
      sums.waits += bucket.waits
      sums.waitedMs += bucket.waitedMs
      sums.failed += bucket.failed
    }
    return sums
  }

  /** How many connections it holds a day of. */
  get size(): number {
    return this.series.size
  }

  private forgetIdle(number: number): void {
    if (number === this.swept) return
    this.swept = number
    for (const [name, series] of this.series) if (series.last <= number - BUCKETS) this.series.delete(name)
  }
}
