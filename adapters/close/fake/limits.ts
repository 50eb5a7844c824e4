import { createHash } from 'node:crypto'
import type { Step } from './http.ts'

/**
 * Close's rate limits (developer.close.com/api/overview/rate-limits): enforced per endpoint group
 * (paths and methods grouped together: "GETs to /api/v1/lead/ and POSTs/PUTs to /api/v1/activity/
 * may be counted as two different API groups"), per API key, and per organization across all its
 * keys at 3 times the key's limit. Every answer carries `RateLimit: limit=L, remaining=R, reset=S`
 * (S: seconds until the window resets); past the limit, a 429 whose JSON body holds `rate_reset`,
 * the seconds to wait. Close publishes neither the groups nor the numbers:
 * - the groups here are the method (read: GET; write: POST, PUT, DELETE) and the first segment of
 *   the path (`read lead`, `write activity`, `write data` for search…);
 * - the numbers default to unlimited; `OBSERVED_LIMITS` holds what users saw on live accounts;
 * - the 429 body is `{"error": {"message", "rate_reset", "rate_limit", "rate_window",
 *   "rate_limit_type", "rate_endpoint_group"}}`: nested under `error` as Airbyte's connector reads it
 *   (airbytehq/airbyte, source-close-com/source_close_com/source.py, `backoff_time`); a 2017 recording
 *   has the same keys at the top level, `rate_reset` a string (nested-tech/closex,
 *   test/fixtures/vcr_cassettes/find_leads_rate_limit.json), from before the `RateLimit` header.
 * The header's separator is `, ` as documented and as Close's own client parses it
 * (closeio/closeio-api, closeio_api/__init__.py); one user recorded `; ` from the live API
 * (whiteboard-geeks/MailerAutomation, plan.md), so `separator` can be set to test both. Windows are
 * fixed: they start with the first request after the last one ended.
 */
export interface Limit {
  requests: number
  windowMs: number
}

/**
 * Limits seen on live accounts, per key: `GET /me/` 160 per 8 s and `POST /data/search/` 16 in a
 * window of about a second (whiteboard-geeks/MailerAutomation, plan.md: "limit=160; remaining=159;
 * reset=8" and "limit=16; remaining=14; reset=1"), lead reads 320 per 8 s (nested-tech/closex,
 * find_leads_rate_limit.json: `rate_limit` 320, `rate_window` 8, in 2017).
 */
export const OBSERVED_LIMITS: Record<string, Limit> = {
  'read me': { requests: 160, windowMs: 8000 },
  'write data': { requests: 16, windowMs: 1000 },
  'read lead': { requests: 320, windowMs: 8000 },
}

const ORG_FACTOR = 3

const UNLIMITED: Limit = { requests: 1_000_000, windowMs: 1000 }

export function groupOf(method: string, path: string): string {
  const segment = /^\/api\/v1\/([^/]+)/.exec(path)?.[1] ?? ''
  return `${method === 'GET' ? 'read' : 'write'} ${segment}`
}

interface Window {
  start: number
  count: number
}

export class RateLimits {
  /** 429s answered, by kind: the key's window, the organization's, or forced by a test. */
  readonly limited = { key: 0, org: 0, forced: 0 }
  private readonly windows = new Map<string, Window>()
  private readonly forced = new Map<string, number>()

  constructor(
    private readonly limits: Record<string, Limit>,
    private readonly separator: ', ' | '; ',
  ) {}

  /** The next `times` calls of the group answer 429, as if its window were full. */
  forceNext(group: string, times: number): void {
    this.forced.set(group, (this.forced.get(group) ?? 0) + times)
  }

  /**
   * Counts a call of `key` in `group` and answers the headers to send, or the 429 to answer
   * instead (a refused call counts in no window).
   */
  take(key: number, group: string, now = Date.now()): { headers: Record<string, string>; refused?: Step } {
    const limit = this.limits[group] ?? UNLIMITED
    const mine = this.window(`${key}|${group}`, limit, now)
    const org = this.window(`org|${group}`, limit, now)
    const forced = this.forced.get(group) ?? 0
    const type = forced > 0 ? 'key' : mine.count >= limit.requests ? 'key' : org.count >= limit.requests * ORG_FACTOR ? 'org' : undefined
    if (type) {
      if (forced > 0) this.forced.set(group, forced - 1)
      this.limited[forced > 0 ? 'forced' : type]++
      const window = type === 'org' ? org : mine
      const resetMs = Math.max(1, window.start + limit.windowMs - now)
      const requests = type === 'org' ? limit.requests * ORG_FACTOR : limit.requests
      return { headers: this.header(requests, 0, resetMs), refused: this.refusal(group, type, requests, limit.windowMs, resetMs) }
    }
    mine.count++
    org.count++
    return { headers: this.header(limit.requests, limit.requests - mine.count, mine.start + limit.windowMs - now) }
  }

  private window(id: string, limit: Limit, now: number): Window {
    const current = this.windows.get(id)
    if (current && now < current.start + limit.windowMs) return current
    const fresh = { start: now, count: 0 }
    this.windows.set(id, fresh)
    return fresh
  }

  private header(limit: number, remaining: number, resetMs: number): Record<string, string> {
    const parts = [`limit=${limit}`, `remaining=${Math.max(0, remaining)}`, `reset=${Math.max(1, Math.ceil(resetMs / 1000))}`]
    return { ratelimit: parts.join(this.separator) }
  }

  private refusal(group: string, type: 'key' | 'org', limit: number, windowMs: number, resetMs: number): Step {
    return {
      status: 429,
      body: {
        error: {
          message: `Too many calls of this endpoint group in a ${windowMs / 1000}-second window.`,
          rate_reset: Math.round(resetMs) / 1000,
          rate_limit: limit,
          rate_window: windowMs / 1000,
          rate_limit_type: type,
          rate_endpoint_group: createHash('md5').update(group).digest('hex'),
        },
      },
    }
  }
}
