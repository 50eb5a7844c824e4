import { UpstreamRateLimitedError } from '../errors.ts'
import type { RateLimiter } from './rate-limit.ts'

/** What is left of a request's time for calls to start: the last ones must still answer. */
const ANSWER_MS = 1000
/** The share of a connection's rate-limit window a batch leaves to the connection's other requests. */
const OTHERS_SHARE = 0.25

/**
 * How many of a batch's `calls` (one call each) can start before `deadline` under the connection's
 * rate limit, leaving a share of the window to its other requests; for the rest, if any, the 503
 * saying how long they would need. A batch that cannot fit is cut before it starts rather than
 * left to wait for slots it will not get, so the writes it does send are answered in time.
 */
export function callsWithinBudget(
  connection: string,
  limiter: RateLimiter | undefined,
  calls: number,
  deadline: number,
): { fits: number; short?: UpstreamRateLimitedError } {
  if (!limiter) return { fits: calls }
  const capacity = Math.max(0, Math.floor(limiter.capacity(deadline - ANSWER_MS) * (1 - OTHERS_SHARE)))
  const rest = calls - capacity
  if (rest <= 0) return { fits: calls }
  const seconds = Math.max(1, Math.ceil(limiter.timeFor(rest / (1 - OTHERS_SHARE)) / 1000))
  return { fits: capacity, short: new UpstreamRateLimitedError(connection, seconds) }
}
