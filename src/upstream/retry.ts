import { setTimeout as sleep } from 'node:timers/promises'
import type { RetryConfig } from '../config/schema.ts'
import { GatewayError, UpstreamRateLimitedError } from '../errors.ts'
import { TransportError } from './transport.ts'
import type { Attempt, Layer } from './types.ts'
import type { UpstreamRequest, UpstreamResponse } from '../kit/spec.ts'
import type { Waits } from './waits.ts'

/**
 * The retry layer. It keeps undici's retry policy (lib/handler/retry-handler.js): retry on
 * 429/500/502/503/504 and socket errors, back off exponentially from 0.5 s capped at 30 s, at most
 * 5 retries, `Retry-After` as seconds or an HTTP date, and an abort cancels the pending backoff.
 * It is not built on undici's RetryHandler itself, and that is a choice: RetryHandler lives in the
 * dispatcher handler protocol (onResponseStart/controllers) that changes between majors, and our
 * rate-limit and breaker layers must run, and may fail with a typed error, before every attempt,
 * which a dispatch interceptor cannot await. So the layers here see only status and headers.
 *
 * What differs from undici: backoff uses full jitter; a CRM's own reset header counts like
 * `Retry-After`, and both are capped by the connection's `pauseCap` (`waits.ts`); a wait that
 * would pass the request's deadline is not slept but answered at once (503 with `Retry-After` for
 * a 429); and creates follow `mayRetry` below.
 */

const RETRY_STATUS = new Set([429, 500, 502, 503, 504])

export type Outcome = { response: UpstreamResponse } | { error: unknown }

/**
 * The swappable decision. A request is retried only if it is idempotent, or if the CRM surely
 * did not process it: the connection was refused before sending, or the CRM answered 429. A
 * background call is never retried here: the core backs off between its tries itself.
 */
export function mayRetry(request: UpstreamRequest, outcome: Outcome): boolean {
  if (request.options.background) return false
  const idempotent = request.method !== 'POST' || request.idempotent === true
  if ('response' in outcome) {
    const { status } = outcome.response
    if (status === 429) return true
    return idempotent && RETRY_STATUS.has(status)
  }
  const { error } = outcome
  if (!(error instanceof TransportError) || error.kind === 'aborted') return false
  return idempotent || error.notSent
}

export interface RetryLayerOptions {
  readonly connection: string
  readonly config: RetryConfig
  readonly waits: Waits
  readonly decide?: typeof mayRetry
  readonly random?: () => number
}

export function retryLayer(options: RetryLayerOptions): Layer {
  const { config, waits, connection } = options
  const decide = options.decide ?? mayRetry
  const random = options.random ?? Math.random
  return (next) => async (first: Attempt) => {
    for (let number = 0; ; number++) {
      const attempt: Attempt = { ...first, number, waitedMs: 0 }
      let outcome: Outcome
      try {
        outcome = { response: await next(attempt) }
      } catch (error) {
        if (error instanceof GatewayError) throw error
        outcome = { error }
      }
      if ('response' in outcome && !RETRY_STATUS.has(outcome.response.status)) return outcome.response
      const retryable = number < config.maxRetries && decide(first, outcome)
      if (!retryable) return finish(outcome)

      const asked = 'response' in outcome ? waits.asked(outcome.response) : undefined
      const backoff = random() * Math.min(config.maxDelayMs, config.minDelayMs * 2 ** number)
      const delay = asked?.ms ?? backoff
      const left = first.options.deadline - Date.now()
      if (delay >= left) {
        if ('response' in outcome && outcome.response.status === 429) {
          throw new UpstreamRateLimitedError(connection, Math.max(1, Math.ceil(delay / 1000)), asked?.daily)
        }
        return finish(outcome)
      }
      try {
        await sleep(delay, undefined, { signal: first.options.signal })
      } catch (error) {
        throw new TransportError('aborted', 'ABORTED', 'ABORTED', { cause: error })
      }
    }
  }
}

function finish(outcome: Outcome): UpstreamResponse {
  if ('response' in outcome) return outcome.response
  throw outcome.error
}
