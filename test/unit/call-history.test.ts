import { describe, expect, it } from 'vitest'
import { BUCKETS, BUCKET_MS, CallHistory } from '../../src/ops/call-history.ts'
import type { AttemptRecord } from '../../src/upstream/client.ts'

const attempt = (over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  connection: 'crm',
  method: 'GET',
  route: '/x',
  attempt: 0,
  outcome: 200,
  waitedMs: 0,
  ms: 3,
  ...over,
})

describe("the status page's call history", () => {
  it('counts calls, 429s, failures and rate-limit waits in the 10-minute bucket of their time', () => {
    let now = 100 * BUCKET_MS + 5_000
    const history = new CallHistory(() => now)
    for (const over of [{}, { outcome: 429 }, { outcome: 429, waitedMs: 2_000 }, { outcome: 503 }, { outcome: 'ECONNRESET' }, { waitedMs: 500 }]) {
      history.observe(attempt(over))
    }
    history.observe(attempt({ connection: 'other' }))
    now += BUCKET_MS
    history.observe(attempt())
    const day = history.day('crm')
    expect(day).toHaveLength(BUCKETS)
    expect(day.at(-1)).toEqual({ start: 101 * BUCKET_MS, calls: 1, throttled: 0, waits: 0, waitedMs: 0, failed: 0 })
    expect(day.at(-2)).toEqual({ start: 100 * BUCKET_MS, calls: 6, throttled: 2, waits: 2, waitedMs: 2_500, failed: 2 })
    expect(day[0]!.start).toBe((101 - BUCKETS + 1) * BUCKET_MS)
    expect(CallHistory.hour(day)).toEqual({ calls: 7, throttled: 2, waits: 2, waitedMs: 2_500, failed: 2 })
    expect(history.day('never').every((bucket) => bucket.calls === 0)).toBe(true)
  })

  it('keeps 24 hours: a bucket leaves the day, and the last hour, as time passes, and its slot starts empty again', () => {
    let now = 0
    const history = new CallHistory(() => now)
    history.observe(attempt({ outcome: 429 }))
    now = 6 * BUCKET_MS
    expect(CallHistory.hour(history.day('crm')).throttled, 'an hour and some later').toBe(0)
    expect(history.day('crm')[BUCKETS - 7]!.throttled).toBe(1)
    now = BUCKETS * BUCKET_MS
    expect(history.day('crm').some((bucket) => bucket.calls > 0), '24 hours later').toBe(false)
    history.observe(attempt())
    expect(history.day('crm').at(-1)).toMatchObject({ calls: 1, throttled: 0 })
  })

  it("keeps the daily budget of each bucket's last answer that said it, and nothing that is not a count", () => {
    const history = new CallHistory(() => 0)
    history.observe(attempt({ daily: { remaining: 900, limit: 1000 } }))
    history.observe(attempt())
    history.observe(attempt({ daily: { remaining: 850 } }))
    expect(history.day('crm').at(-1)).toMatchObject({ dailyLeft: 850 })
    expect(history.day('crm').at(-1)!.dailyLimit).toBeUndefined()
    history.observe(attempt({ daily: { remaining: Number.NaN, limit: 5 } }))
    history.observe(attempt({ daily: { remaining: -1 } }))
    expect(history.day('crm').at(-1)).toMatchObject({ dailyLeft: 850 })
  })

  it('holds a fixed ring per connection, and drops a connection idle for 24 hours once another starts', () => {
    let now = 0
    const history = new CallHistory(() => now)
    for (let i = 0; i < 10_000; i++) history.observe(attempt())
    history.observe(attempt({ connection: 'b' }))
    expect(history.size).toBe(2)
    now = BUCKETS * BUCKET_MS
    history.observe(attempt({ connection: 'c' }))
    expect(history.size).toBe(1)
    expect(history.day('crm').every((bucket) => bucket.calls === 0)).toBe(true)
  })
})
