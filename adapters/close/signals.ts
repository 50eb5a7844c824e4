import type { RateLimitSignals, UpstreamClientOptions, UpstreamResponse } from '../../src/kit/spec.ts'
import { header } from '../../src/kit/utils.ts'

/**
 * Close's rate limits, as its answers tell them (FACTS.md, "Rate limits"): every answer carries
 * `RateLimit: limit=100, remaining=50, reset=5` for the call's endpoint group (seconds until its
 * window resets; `, ` as documented and as Close's own client parses it, `; ` as one user recorded
 * from the live API: both are read). Past the limit, a 429 whose JSON body holds `rate_reset`, the
 * seconds to wait: under `error` today, at the top level and as a string in 2017. No answer was
 * seen carrying `Retry-After`; the core still reads it when neither of these is there.
 */
export function rateLimitHeader(response: UpstreamResponse): { limit?: number; remaining?: number; resetS?: number } | undefined {
  const value = header(response, 'ratelimit')
  if (value === undefined) return undefined
  const parts = new Map<string, number>()
  for (const part of value.split(/[;,]/)) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part)
    if (match) parts.set(match[1]!, Number(match[2]))
  }
  return { limit: parts.get('limit'), remaining: parts.get('remaining'), resetS: parts.get('reset') }
}

/** `rate_reset` of a 429's body, in seconds, wherever the body puts it. */
export function rateReset(response: UpstreamResponse): number | undefined {
  let body: unknown
  try {
    body = JSON.parse(response.text)
  } catch {
    return undefined
  }
  if (typeof body !== 'object' || body === null) return undefined
  const nested = (body as { error?: unknown }).error
  const holder = (typeof nested === 'object' && nested !== null ? nested : body) as { rate_reset?: unknown }
  const seconds = typeof holder.rate_reset === 'string' ? Number(holder.rate_reset) : holder.rate_reset
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined
}

const toMs = (seconds: number) => Math.max(1, Math.ceil(seconds * 1000))

/**
 * The budget each answer states is its endpoint group's, and the core keeps it per connection:
 * a spent group pauses the connection until its window resets (a few seconds), which is cautious
 * for the other groups and never passes Close's limit. A 429 pauses the group the call was in.
 */
export const closeRateLimits: RateLimitSignals = {
  budget(response) {
    const limit = rateLimitHeader(response)
    if (limit?.remaining === undefined || limit.resetS === undefined) return undefined
    return { remaining: limit.remaining, resetMs: toMs(limit.resetS) }
  },
  retryAfter(response) {
    if (response.status !== 429) return undefined
    const seconds = rateReset(response) ?? rateLimitHeader(response)?.resetS
    return seconds === undefined ? undefined : { ms: toMs(seconds) }
  },
}

/** The group every Advanced Filtering search is sent in. */
export const SEARCH_GROUP = 'search'

/**
 * `POST /data/search/` is the tight limit: 16 a second per key, 48 per organization, as a live
 * account answered (whiteboard-geeks/MailerAutomation, plan.md: `limit=16; remaining=14;
 * reset=1`). A connection's `rateLimits.search` overrides it, for an organization whose other
 * keys search too.
 */
export const CLOSE_LIMITS: NonNullable<UpstreamClientOptions['limits']> = { [SEARCH_GROUP]: { requests: 16, intervalMs: 1000 } }
