import type { RateLimitSignals, UpstreamResponse } from '../../src/kit/spec.ts'
import { countHeader, header } from '../../src/kit/utils.ts'

/**
 * The company's daily token budget left, in tokens. Pipedrive's rate-limiting page
 * (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting) documents only
 * `x-ratelimit-limit`, `-remaining`, `-reset` and `x-daily-requests-left` (the older POST/PUT
 * fair-use count, api_token only); the live API with token-based limits also sends
 * `x-daily-ratelimit-token-limit` and `-remaining`, as open-source Pipedrive clients report from
 * their sandboxes, and a Pipedrive staff reply in the developer community (quoted by them) says
 * they can be missing for a few requests after a long idle period: read where present.
 */
const DAILY_TOKENS_LEFT = 'x-daily-ratelimit-token-remaining'

/** The budget resets "at the start of the next day" (the rate-limiting page), in Pipedrive's
 * server time: the next UTC midnight is the estimate, and the core caps the pause it makes. */
function untilMidnight(now = Date.now()): number {
  const next = new Date(now)
  next.setUTCHours(24, 0, 0, 0)
  return next.getTime() - now
}

function dailySpent(response: UpstreamResponse): boolean {
  const left = header(response, DAILY_TOKENS_LEFT)
  return left !== undefined && /^-?\d+$/.test(left.trim()) && Number(left) <= 0
}

/**
 * Pipedrive's limits, as its answers tell them: the burst window (`x-ratelimit-remaining` calls
 * left, `x-ratelimit-reset` the seconds left in the 2-second window, not an epoch), and the daily
 * token budget. A spent budget is `daily`: calls fail fast until it resets instead of queueing.
 * A 429 waits for the window's reset. (The search endpoints' own window is declared in
 * `search.ts`; a 429 of theirs pauses that group only.)
 */
export const pipedriveRateLimits: RateLimitSignals = {
  budget(response) {
    if (dailySpent(response)) return { remaining: 0, resetMs: untilMidnight(), daily: true }
    const remaining = header(response, 'x-ratelimit-remaining')
    const reset = header(response, 'x-ratelimit-reset')
    if (remaining === undefined || reset === undefined || !/^\d+$/.test(remaining)) return undefined
    return { remaining: Number(remaining), resetMs: Math.max(1, Number(reset)) * 1000 }
  },
  retryAfter(response) {
    if (response.status !== 429) return undefined
    if (dailySpent(response)) return { ms: untilMidnight(), daily: true }
    const reset = header(response, 'x-ratelimit-reset') ?? header(response, 'retry-after')
    return reset && /^\d+$/.test(reset) ? { ms: Math.max(1, Number(reset)) * 1000 } : undefined
  },
  daily(response) {
    const remaining = dailySpent(response) ? 0 : countHeader(response, DAILY_TOKENS_LEFT)
    return remaining === undefined ? undefined : { remaining, limit: countHeader(response, 'x-daily-ratelimit-token-limit') }
  },
}
