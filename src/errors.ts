/**
 * The one error catalogue of the gateway. Every error a client can see is declared here with a
 * stable code and an HTTP status; `src/http/plugins/error-handler.ts` is the only place that turns
 * them into responses. Adapters and the upstream client throw these, never raw undici errors.
 */

export const ERROR_CODES = [
  'BAD_REQUEST',
  'BATCH_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'ROUTE_NOT_FOUND',
  'UNAUTHORIZED',
  'AUTH_THROTTLED',
  'TASK_NOT_FOUND',
  'RECORD_NOT_FOUND',
  'LINK_NOT_FOUND',
  'USERS_NOT_SUPPORTED',
  'NOT_SUPPORTED',
  'REFERENCE_ELSEWHERE',
  'REFERENCE_NOT_FOUND',
  'UPSTREAM_REJECTED',
  'UPSTREAM_AUTH',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_CIRCUIT_OPEN',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  'UPSTREAM_UNEXPECTED_STATUS',
  'UPSTREAM_TIMEOUT',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'IDEMPOTENCY_KEY_IN_DOUBT',
  'IDEMPOTENCY_STORE_FULL',
  'IDEMPOTENCY_STORE_UNAVAILABLE',
  'ACTIVITY_IN_DOUBT',
  'RECORD_IN_DOUBT',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export abstract class GatewayError extends Error {
  abstract readonly code: ErrorCode
  abstract readonly statusCode: number
  /** Seconds a client should wait before trying again, sent as `Retry-After`. */
  retryAfterSeconds?: number
  /** How to authenticate, sent as `WWW-Authenticate`: HTTP requires it on every 401. */
  challenge?: string
  /**
   * What happened at the CRM in an operator's words (`connection refused at 10.0.0.5:443`): it
   * names hosts, so the command line prints it and it is never sent to a client.
   */
  failure?: string
}

export class BadRequestError extends GatewayError {
  readonly code = 'BAD_REQUEST'
  readonly statusCode = 400
}

export class BatchTooLargeError extends GatewayError {
  readonly code = 'BATCH_TOO_LARGE'
  readonly statusCode = 400
  constructor(limit: number, field = 'ids') {
    super(`body/${field} must NOT have more than ${limit} items`)
  }
}

export class UnsupportedMediaTypeError extends GatewayError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE'
  readonly statusCode = 415
}

export class BodyTooLargeError extends GatewayError {
  readonly code = 'BODY_TOO_LARGE'
  readonly statusCode = 413
}

export class RouteNotFoundError extends GatewayError {
  readonly code = 'ROUTE_NOT_FOUND'
  readonly statusCode = 404
}

export class UnauthorizedError extends GatewayError {
  readonly code = 'UNAUTHORIZED'
  readonly statusCode = 401
  /** `challenge`: the scheme the route wants, when it is not an API key in `header`. */
  constructor(header = 'X-API-Key', challenge = `ApiKey header="${header}"`) {
    super(`missing or unknown ${header}`)
    this.challenge = challenge
  }
}

/**
 * The client's address failed to authenticate too often (`auth.failures`). Answered before its key
 * is looked at, so that a guess tells nothing until the address may try again.
 */
export class AuthThrottledError extends GatewayError {
  readonly code = 'AUTH_THROTTLED'
  readonly statusCode = 429
  constructor(retryAfterSeconds: number) {
    super(`too many failed authentications from this address; retry after ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export class TaskNotFoundError extends GatewayError {
  readonly code = 'TASK_NOT_FOUND'
  readonly statusCode = 404
  constructor() {
    super('task not found')
  }
}

/** A contact, company or activity the CRM does not hold (an item of a batch answer). */
export class RecordNotFoundError extends GatewayError {
  readonly code = 'RECORD_NOT_FOUND'
  readonly statusCode = 404
  constructor(what = 'record') {
    super(`${what} not found`)
  }
}

/** No link for this token and id, whatever the reason: the answer says nothing more, as the route has no API key. */
export class LinkNotFoundError extends GatewayError {
  readonly code = 'LINK_NOT_FOUND'
  readonly statusCode = 404
  constructor() {
    super('no link')
  }
}

/** The connection cannot list users: Enginy reads the 404 as "owner selection off". */
export class UsersNotSupportedError extends GatewayError {
  readonly code = 'USERS_NOT_SUPPORTED'
  readonly statusCode = 404
  constructor() {
    super('this CRM connection does not list users')
  }
}

/** The connection's adapter does not serve this kind of record. */
export class NotSupportedError extends GatewayError {
  readonly code = 'NOT_SUPPORTED'
  readonly statusCode = 501
  constructor(kind: string, connection: string) {
    super(`the CRM of connection "${connection}" does not serve ${kind}`)
  }
}

/**
 * A reference (`contactId`, `companyId`, `ownerId`) names a record of another connection than the
 * one the record is written to: linking it there would link a stranger, so it is refused.
 */
export class ReferenceElsewhereError extends GatewayError {
  readonly code = 'REFERENCE_ELSEWHERE'
  readonly statusCode = 422
  constructor(field: string, connection: string, target: string) {
    super(`body/${field} names a record of connection "${connection}", but this is written to connection "${target}"`)
  }
}

/**
 * A reference (`contactId`, `companyId`, `ownerId`) names no record the connection written to
 * holds: an id of a connection the tenant does not have (whether or not the config has one of that
 * name: the answer is the same, so it tells nothing of other tenants), one that is not of the CRM's
 * id form, or one the adapter shows does not exist. It never reaches the CRM.
 */
export class ReferenceNotFoundError extends GatewayError {
  readonly code = 'REFERENCE_NOT_FOUND'
  readonly statusCode = 422
  /** `what`: the kind of record the field names (`contact`, `company`, `user`). */
  constructor(field: string, what: string, connection: string) {
    super(`body/${field} names no ${what} of connection "${connection}"`)
  }
}

/** The CRM refused the data itself (an unknown owner, a field it cannot hold): the caller can fix it. */
export class UpstreamRejectedError extends GatewayError {
  readonly code = 'UPSTREAM_REJECTED'
  readonly statusCode = 422
}

/** The CRM refused the gateway's own credentials: the operator must fix the connection. */
export class UpstreamAuthError extends GatewayError {
  readonly code = 'UPSTREAM_AUTH'
  readonly statusCode = 502
  constructor(connection: string) {
    super(`the CRM of connection "${connection}" rejected the gateway's credentials`)
  }
}

export class UpstreamRateLimitedError extends GatewayError {
  readonly code = 'UPSTREAM_RATE_LIMITED'
  readonly statusCode = 503
  /** `daily`: the CRM's daily cap is spent, not a short window. */
  constructor(connection: string, retryAfterSeconds: number, daily = false) {
    super(`the CRM of connection "${connection}" ${daily ? 'has spent its daily limit' : 'is rate-limiting'}; retry after ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * A lookup (`doFind`) the deadline or the CRM's rate limit cut short: `found` are the records the
 * keys it did settle hold, `unsettled` the keys it could not ask about. The core answers the
 * records whose keys were settled and leaves the others out, for Enginy to send again.
 */
export class LookupCutShortError extends UpstreamRateLimitedError {
  constructor(
    cause: UpstreamRateLimitedError,
    readonly found: readonly object[],
    readonly unsettled: readonly string[],
  ) {
    super('', cause.retryAfterSeconds ?? 1)
    this.message = cause.message
  }
}

export class UpstreamCircuitOpenError extends GatewayError {
  readonly code = 'UPSTREAM_CIRCUIT_OPEN'
  readonly statusCode = 503
  /** `failure`: what the last call before the circuit opened ran into. */
  constructor(connection: string, retryAfterSeconds: number, failure?: string) {
    super(`the CRM of connection "${connection}" failed repeatedly; calls are paused for ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
    this.failure = failure
  }
}

export class UpstreamUnavailableError extends GatewayError {
  readonly code = 'UPSTREAM_UNAVAILABLE'
  readonly statusCode = 502
  constructor(message: string, failure?: string) {
    super(message)
    this.failure = failure
  }
}

export class UpstreamBadResponseError extends GatewayError {
  readonly code = 'UPSTREAM_BAD_RESPONSE'
  readonly statusCode = 502
}

/**
 * The CRM answered a status the call does not expect and that says nothing about the caller's
 * data: a 404 on a path that names no record, a 3xx, 405, 413, 414… A wrong `baseUrl`, a proxy in
 * the way, or a change in the CRM's API: the operator's to fix, so a 502 and not a 4xx.
 */
export class UpstreamUnexpectedStatusError extends GatewayError {
  readonly code = 'UPSTREAM_UNEXPECTED_STATUS'
  readonly statusCode = 502
}

export class UpstreamTimeoutError extends GatewayError {
  readonly code = 'UPSTREAM_TIMEOUT'
  readonly statusCode = 504
  constructor(connection: string, failure?: string) {
    super(`the CRM of connection "${connection}" did not answer in time`)
    this.failure = failure
  }
}

/** The same `Idempotency-Key` came with another body: it names another task. */
export class IdempotencyKeyReusedError extends GatewayError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED'
  readonly statusCode = 422
  constructor() {
    super('headers/idempotency-key was already used with another body')
  }
}

/** The first request with this `Idempotency-Key` is still running past this one's deadline. */
export class IdempotencyKeyInFlightError extends GatewayError {
  readonly code = 'IDEMPOTENCY_KEY_IN_FLIGHT'
  readonly statusCode = 409
  constructor() {
    super('headers/idempotency-key: the first request with this key is still running; retry later')
  }
}

/**
 * The first request with this `Idempotency-Key` may have created the task (the CRM took the
 * create, and its answer was lost), and the gateway cannot tell yet whether it did: sending the
 * create again could make a second task. `why` says what keeps it from telling.
 */
export class IdempotencyKeyInDoubtError extends GatewayError {
  readonly code = 'IDEMPOTENCY_KEY_IN_DOUBT'
  readonly statusCode = 409
  constructor(why: string, retryAfterSeconds?: number) {
    super(`headers/idempotency-key: the first request with this key may have created the task, and ${why}`)
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * The tenant's idempotency keys fill its share of the store with creates that have not finished
 * (running, or in doubt): none can make room without risking a second task, so a new key waits.
 */
export class IdempotencyStoreFullError extends GatewayError {
  readonly code = 'IDEMPOTENCY_STORE_FULL'
  readonly statusCode = 503
  constructor(retryAfterSeconds = 60) {
    super(`headers/idempotency-key: this tenant's idempotency keys are all held by unfinished creates; retry after ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * Replicas share their idempotency keys in Redis, and it is unreachable: this replica cannot tell
 * whether another one has the key, and creating anyway could make a second task. A keyed create
 * waits for Redis; creates without a key go on.
 */
export class IdempotencyStoreUnavailableError extends GatewayError {
  readonly code = 'IDEMPOTENCY_STORE_UNAVAILABLE'
  readonly statusCode = 503
  constructor(retryAfterSeconds: number) {
    super(`headers/idempotency-key: the store the replicas share for keys is unreachable, and without it the create could be made twice; retry after ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * A message whose first create may have logged it (the CRM took the create, and its answer was
 * lost), and the gateway cannot tell yet whether it did: logging it again could make a second
 * activity. A 503 with `Retry-After`, not the 409 of a keyed task create: Enginy sends no key with
 * a message and reads a 4xx as its own fault (nothing says it sends a message again after one),
 * so a 409 could leave unlogged a message the first attempt never made; the cause is on the
 * gateway's side and passes (the CRM's search catches up, the window of a late create closes),
 * which is what a 503 with `Retry-After` says, and Enginy sends a message again after a 5xx (the
 * resend that meets the doubt follows the first attempt's 502 or 504). `why` says what keeps the
 * gateway from telling.
 */
export class ActivityInDoubtError extends GatewayError {
  readonly code = 'ACTIVITY_IN_DOUBT'
  readonly statusCode = 503
  constructor(why: string, retryAfterSeconds: number) {
    super(`body/metadata/messageId: the first request with this message id may have logged it, and ${why}`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * A contact or company whose earlier export may have created it (the CRM's answer was lost) and
 * which the CRM's lookups do not show yet: exporting it now could make a second one. In a batch's
 * `errors`; the whole answer when no record could be done, so that Enginy sends the batch again.
 */
export class RecordInDoubtError extends GatewayError {
  readonly code = 'RECORD_IN_DOUBT'
  readonly statusCode = 503
  constructor(why: string, retryAfterSeconds: number) {
    super(`an earlier export of this record may have created it, and ${why}`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** Anything unexpected. What went wrong (`detail`) is logged, never sent: it may hold internals. */
export class InternalError extends GatewayError {
  readonly code = 'INTERNAL'
  readonly statusCode = 500
  constructor(readonly detail?: string) {
    super('internal error')
  }
}

/**
 * Fastify's own errors that a client can cause, mapped to ours (as Fastify maps avvio's codes
 * to its own in lib/errors.js). Validation errors are handled by their `validation` field.
 */
export const FASTIFY_ERRORS: Readonly<Record<string, (message: string) => GatewayError>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (m) => new UnsupportedMediaTypeError(m),
  FST_ERR_CTP_BODY_TOO_LARGE: (m) => new BodyTooLargeError(m),
  FST_ERR_CTP_EMPTY_JSON_BODY: (m) => new BadRequestError(m),
  FST_ERR_CTP_INVALID_JSON_BODY: (m) => new BadRequestError(m),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: (m) => new BadRequestError(m),
  FST_ERR_BAD_URL: (m) => new BadRequestError(m),
  FST_ERR_ASYNC_CONSTRAINT: (m) => new BadRequestError(m),
}

/** One thing wrong with a config: where (a dotted key; empty for the whole file) and what. */
export interface ConfigProblem {
  readonly key: string
  readonly problem: string
}

/**
 * Not an HTTP error: a configuration that cannot be served. It stops a start or a reload, and
 * carries every problem found, so a file with two typos shows both at once.
 */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[]

  constructor(key: string, problem: string)
  constructor(problems: readonly ConfigProblem[])
  constructor(keyOrProblems: string | readonly ConfigProblem[], problem = '') {
    const problems = typeof keyOrProblems === 'string' ? [{ key: keyOrProblems, problem }] : keyOrProblems
    const lines = problems.map(({ key, problem }) => (key ? `${key}: ${problem}` : problem))
    super(lines.length === 1 ? `config: ${lines[0]}` : `config: ${lines.length} problems: ${lines.join('; ')}`)
    this.problems = problems
  }
}

/** Not an HTTP error: environment variables the server cannot start with, one line each. */
export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'))
  }
}
