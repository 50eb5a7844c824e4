import {
  UpstreamAuthError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  UpstreamUnexpectedStatusError,
} from '../errors.ts'
import type { ErrorMessagePicker } from '../kit/spec.ts'
import { type Scrubber, relayable } from '../secrets.ts'
import type { UpstreamRequest, UpstreamResponse } from '../kit/spec.ts'
import type { Waits } from './waits.ts'

export interface StatusContext {
  readonly connection: string
  readonly waits: Waits
  readonly scrubber: Pick<Scrubber, 'scrub'>
  readonly errorMessage?: ErrorMessagePicker
}

/** How much of a CRM's reason reaches Enginy. */
const MAX_REASON = 500

/**
 * The one rule for what a CRM's status means, for every call of every adapter:
 *
 * | status | meaning |
 * |---|---|
 * | one the call expects (`expect`, by default any 2xx) | success |
 * | 404, where the call says its path names one record | that record does not exist |
 * | 400, 409, 422 | the CRM refused the data: 422 with its reason, scrubbed of credentials |
 * | 400, 409, 422 to a connection check (`probe`) | the check sends none of the caller's data: 502, as below |
 * | 401, 403 | the CRM refused the gateway's credentials: 502 |
 * | 429 | rate-limited (the retry and limiter layers have waited what they could): 503 |
 * | 5xx | the CRM failed (after retries): 502 |
 * | anything else: another 404, 3xx, 405, 413, 414, a 2xx the call does not expect | a gateway or config fault, not the caller's: 502 |
 */
export function judgeStatus(
  request: UpstreamRequest,
  response: UpstreamResponse,
  namesRecord: boolean,
  context: StatusContext,
): 'ok' | 'missing' {
  const { status } = response
  const { connection } = context
  if (request.expect ? request.expect.includes(status) : status >= 200 && status < 300) return 'ok'
  if (status === 404 && namesRecord) return 'missing'
  if ((status === 400 || status === 409 || status === 422) && !request.options.probe) {
    throw new UpstreamRejectedError(`the CRM of connection "${connection}" rejected the request: ${reason(request, response, context)}`)
  }
  if (status === 401 || status === 403) throw new UpstreamAuthError(connection)
  if (status === 429) {
    const wait = context.waits.asked(response)
    throw new UpstreamRateLimitedError(connection, Math.max(1, Math.ceil((wait?.ms ?? 1000) / 1000)), wait?.daily)
  }
  if (status >= 500) {
    throw new UpstreamUnavailableError(`the CRM of connection "${connection}" failed: ${request.method} ${request.route} answered ${status}`)
  }
  throw new UpstreamUnexpectedStatusError(
    `the CRM of connection "${connection}" answered ${status} to ${request.method} ${request.route}, which that call never expects: check the connection's baseUrl and credentials`,
  )
}

function reason(request: UpstreamRequest, response: UpstreamResponse, context: StatusContext): string {
  const body = parseBody(response.text)
  const picked = body === undefined ? undefined : context.errorMessage?.(body)
  if (typeof picked !== 'string' || picked.length === 0) return `${request.method} ${request.route} answered ${response.status}`
  return relayable(picked, context.scrubber, MAX_REASON)
}

export function parseBody(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
