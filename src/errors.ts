/**
 * The one error catalogue of the gateway. Every error a client can see is declared here with a
 * stable code and an HTTP status; `src/http/plugins/error-handler.ts` is the only place that turns
 * them into responses. Adapters and the upstream client throw these, never raw undici errors.
 */

/** What the catalogue says of one code: its status, and what the OpenAPI document tells a caller. */
export interface ErrorDoc {
  readonly status: number
  /** When the code comes, in the words of the error table of docs/contract.md (a test holds the two together). */
  readonly when: string
  /** A message the code may come with, as the document's example. */
  readonly message: string
  /** A header the answer may carry. */
  readonly header?: 'retry-after' | 'www-authenticate'
}

/**
 * Every code, once: its status and its documentation. The classes below take their status from
 * here and `errorAnswers` (`error-answers.ts`) the OpenAPI document's answers, so neither can drift from the other.
 */
const CATALOGUE = {
  BAD_REQUEST: { status: 400, when: 'invalid body, path or JSON', message: 'body/dueDate must be an ISO 8601 date or date-time' },
  BATCH_TOO_LARGE: {
    status: 400,
    when: "more ids than `limits.maxBatchIds`, records or pairs than `limits.maxBatchRecords`, or contacts than an export's 100; the message states the limit",
    message: 'body/ids must NOT have more than 1000 items',
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, when: 'a body that is not `application/json`', message: 'Unsupported Media Type' },
  BODY_TOO_LARGE: { status: 413, when: 'a body over `limits.bodyLimitBytes`', message: 'Request body is too large' },
  ROUTE_NOT_FOUND: { status: 404, when: 'no such route', message: 'Route GET /task not found' },
  UNAUTHORIZED: { status: 401, when: 'missing or unknown API key', message: 'missing or unknown X-API-Key', header: 'www-authenticate' },
  AUTH_THROTTLED: {
    status: 429,
    when: 'the client address failed to authenticate more often than `auth.failures` allows; answered before the key is checked, `Retry-After` says when it may try again',
    message: 'too many failed authentications from this address; retry after 1 s',
    header: 'retry-after',
  },
  TASK_NOT_FOUND: { status: 404, when: 'no such task (or a malformed id)', message: 'task not found' },
  RECORD_NOT_FOUND: { status: 404, when: "in a batch's `errors`: no such contact or company", message: 'contact not found' },
  LINK_NOT_FOUND: {
    status: 404,
    when: "no link: an unknown link token, an id not of the token's tenant or not of the CRM's form, or a link the gateway cannot build yet",
    message: 'no link',
  },
  USERS_NOT_SUPPORTED: {
    status: 404,
    when: '`GET /users` on a connection that cannot list users: owner selection off',
    message: 'this CRM connection does not list users',
  },
  NOT_SUPPORTED: {
    status: 501,
    when: "the connection's CRM adapter does not serve this kind of record",
    message: 'the CRM of connection "hubspot" does not serve activities',
  },
  REFERENCE_ELSEWHERE: {
    status: 422,
    when: 'a `contactId`, `companyId` or `ownerId` of another connection than the one written to',
    message: 'body/contactId names a record of connection "old", but this is written to connection "new"',
  },
  REFERENCE_NOT_FOUND: {
    status: 422,
    when: "a `contactId`, `companyId` or `ownerId` that names no record of the connection written to: an id of a connection the tenant does not have, one not of the CRM's id form, or (memory, sql) a record that does not exist",
    message: 'body/contactId names no contact of connection "acme-sql"',
  },
  UPSTREAM_REJECTED: {
    status: 422,
    when: "the CRM rejected the data, with the CRM's reason",
    message: 'the CRM of connection "hubspot" rejected the request: Property values were not valid',
  },
  UPSTREAM_AUTH: {
    status: 502,
    when: "the CRM rejected the gateway's own credentials",
    message: 'the CRM of connection "hubspot" rejected the gateway\'s credentials',
  },
  UPSTREAM_RATE_LIMITED: {
    status: 503,
    when: 'the CRM is rate-limiting and the wait would pass the deadline; `Retry-After` says how long',
    message: 'the CRM of connection "hubspot" is rate-limiting; retry after 10 s',
    header: 'retry-after',
  },
  UPSTREAM_CIRCUIT_OPEN: {
    status: 503,
    when: 'the CRM failed repeatedly; calls are paused, `Retry-After` says how long',
    message: 'the CRM of connection "hubspot" failed repeatedly; calls are paused for 30 s',
    header: 'retry-after',
  },
  UPSTREAM_UNAVAILABLE: {
    status: 502,
    when: 'the CRM failed or was unreachable after retries',
    message: 'the CRM of connection "hubspot" failed: GET /crm/v3/objects/tasks/{id} answered 500',
  },
  UPSTREAM_BAD_RESPONSE: {
    status: 502,
    when: 'the CRM answered something the gateway cannot read: a malformed body, an id that is not one of its ids, an answer larger than `maxResponseBytes`',
    message: 'the CRM of connection "hubspot" returned a task id that is not one of its ids',
  },
  UPSTREAM_UNEXPECTED_STATUS: {
    status: 502,
    when: "the CRM answered a status that says nothing about the caller's data (a 404 on a path that names no record, a 3xx, 405, 413, 414…): a wrong `baseUrl` or a change in the CRM's API",
    message: 'the CRM of connection "hubspot" answered 405 to GET /crm/v3/owners, which that call never expects',
  },
  UPSTREAM_TIMEOUT: { status: 504, when: 'the CRM did not answer before the deadline', message: 'the CRM of connection "hubspot" did not answer in time' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    when: 'an `Idempotency-Key` sent again with another body',
    message: 'headers/idempotency-key was already used with another body',
  },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    status: 409,
    when: 'the first request with that `Idempotency-Key` is still running',
    message: 'headers/idempotency-key: the first request with this key is still running; retry later',
  },
  IDEMPOTENCY_KEY_IN_DOUBT: {
    status: 409,
    when: 'the first request with that `Idempotency-Key` may have created the task (its answer from the CRM was lost) and the gateway cannot tell yet; `Retry-After` says when it can, where it can',
    message: 'headers/idempotency-key: the first request with this key may have created the task, and the CRM has not said yet',
    header: 'retry-after',
  },
  IDEMPOTENCY_STORE_FULL: {
    status: 503,
    when: "the tenant's idempotency keys are all held by creates not yet finished; `Retry-After` says how long to wait",
    message: "headers/idempotency-key: this tenant's idempotency keys are all held by unfinished creates; retry after 60 s",
    header: 'retry-after',
  },
  IDEMPOTENCY_STORE_UNAVAILABLE: {
    status: 503,
    when: 'an `Idempotency-Key` while the store the replicas share for keys (Redis) is unreachable: the create is not sent, since it could be made twice; `Retry-After` says when to try again',
    message: 'headers/idempotency-key: the store the replicas share for keys is unreachable, and without it the create could be made twice; retry after 2 s',
    header: 'retry-after',
  },
  ACTIVITY_IN_DOUBT: {
    status: 503,
    when: 'the first request with that `metadata.messageId` may have logged it (its answer from the CRM was lost) and the gateway cannot tell yet; `Retry-After` says when to send it again',
    message: 'body/metadata/messageId: the first request with this message id may have logged it, and the CRM of connection "hubspot" does not show it yet, though it may still: retry after 97 s',
    header: 'retry-after',
  },
  RECORD_IN_DOUBT: {
    status: 503,
    when: 'an earlier export of a contact or company may have created it (its answer from the CRM was lost) and the CRM does not show it yet; in `errors`, or the answer when no record could be done; `Retry-After` says when to send it again',
    message: 'an earlier export of this record may have created it, and the CRM of connection "hubspot" does not show it yet, though it may still: retry after 97 s',
    header: 'retry-after',
  },
  INTERNAL: { status: 500, when: 'a bug; the details are in the log, not in the answer', message: 'internal error' },
} satisfies Readonly<Record<string, ErrorDoc>>

export type ErrorCode = keyof typeof CATALOGUE
export const ERROR_DOCS: Readonly<Record<ErrorCode, ErrorDoc>> = CATALOGUE
export const ERROR_CODES = Object.keys(CATALOGUE) as readonly ErrorCode[]

export abstract class GatewayError extends Error {
  /** The code's status in the catalogue: never written in a class. */
  readonly statusCode: number
  /** Seconds a client should wait before trying again, sent as `Retry-After`. */
  retryAfterSeconds?: number
  /** How to authenticate, sent as `WWW-Authenticate`: HTTP requires it on every 401. */
  challenge?: string
  /**
   * What happened at the CRM in an operator's words (`connection refused at 10.0.0.5:443`): it
   * names hosts, so the command line prints it and it is never sent to a client.
   */
  failure?: string

  /** `options.cause`: the error this one stands for, kept for the log; a client never sees it. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.statusCode = CATALOGUE[code].status
  }
}

export class BadRequestError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('BAD_REQUEST', message, options)
  }
}

export class BatchTooLargeError extends GatewayError {
  constructor(limit: number, field = 'ids') {
    super('BATCH_TOO_LARGE', `body/${field} must NOT have more than ${limit} items`)
  }
}

export class UnsupportedMediaTypeError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('UNSUPPORTED_MEDIA_TYPE', message, options)
  }
}

export class BodyTooLargeError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('BODY_TOO_LARGE', message, options)
  }
}

export class RouteNotFoundError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('ROUTE_NOT_FOUND', message, options)
  }
}

export class UnauthorizedError extends GatewayError {
  /** `challenge`: the scheme the route wants, when it is not an API key in `header`. */
  constructor(header = 'X-API-Key', challenge = `ApiKey header="${header}"`) {
    super('UNAUTHORIZED', `missing or unknown ${header}`)
    this.challenge = challenge
  }
}

/**
 * The client's address failed to authenticate too often (`auth.failures`). Answered before its key
 * is looked at, so that a guess tells nothing until the address may try again.
 */
export class AuthThrottledError extends GatewayError {
  constructor(retryAfterSeconds: number) {
    super('AUTH_THROTTLED', `too many failed authentications from this address; retry after ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export class TaskNotFoundError extends GatewayError {
  constructor() {
    super('TASK_NOT_FOUND', 'task not found')
  }
}

/** A contact, company or activity the CRM does not hold (an item of a batch answer). */
export class RecordNotFoundError extends GatewayError {
  constructor(what = 'record') {
    super('RECORD_NOT_FOUND', `${what} not found`)
  }
}

/** No link for this token and id, whatever the reason: the answer says nothing more, as the route has no API key. */
export class LinkNotFoundError extends GatewayError {
  constructor() {
    super('LINK_NOT_FOUND', 'no link')
  }
}

/** The connection cannot list users: Enginy reads the 404 as "owner selection off". */
export class UsersNotSupportedError extends GatewayError {
  constructor() {
    super('USERS_NOT_SUPPORTED', 'this CRM connection does not list users')
  }
}

/** The connection's adapter does not serve this kind of record. */
export class NotSupportedError extends GatewayError {
  constructor(kind: string, connection: string) {
    super('NOT_SUPPORTED', `the CRM of connection "${connection}" does not serve ${kind}`)
  }
}

/**
 * A reference (`contactId`, `companyId`, `ownerId`) names a record of another connection than the
 * one the record is written to: linking it there would link a stranger, so it is refused.
 */
export class ReferenceElsewhereError extends GatewayError {
  constructor(field: string, connection: string, target: string) {
    super('REFERENCE_ELSEWHERE', `body/${field} names a record of connection "${connection}", but this is written to connection "${target}"`)
  }
}

/**
 * A reference (`contactId`, `companyId`, `ownerId`) names no record the connection written to
 * holds: an id of a connection the tenant does not have (whether or not the config has one of that
 * name: the answer is the same, so it tells nothing of other tenants), one that is not of the CRM's
 * id form, or one the adapter shows does not exist. It never reaches the CRM.
 */
export class ReferenceNotFoundError extends GatewayError {
  /** `what`: the kind of record the field names (`contact`, `company`, `user`). */
  constructor(field: string, what: string, connection: string) {
    super('REFERENCE_NOT_FOUND', `body/${field} names no ${what} of connection "${connection}"`)
  }
}

/** The CRM refused the data itself (an unknown owner, a field it cannot hold): the caller can fix it. */
export class UpstreamRejectedError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('UPSTREAM_REJECTED', message, options)
  }
}

/** The CRM refused the gateway's own credentials: the operator must fix the connection. */
export class UpstreamAuthError extends GatewayError {
  constructor(connection: string) {
    super('UPSTREAM_AUTH', `the CRM of connection "${connection}" rejected the gateway's credentials`)
  }
}

export class UpstreamRateLimitedError extends GatewayError {
  /** `daily`: the CRM's daily cap is spent, not a short window. */
  constructor(connection: string, retryAfterSeconds: number, daily = false, options?: ErrorOptions) {
    super(
      'UPSTREAM_RATE_LIMITED',
      `the CRM of connection "${connection}" ${daily ? 'has spent its daily limit' : 'is rate-limiting'}; retry after ${retryAfterSeconds} s`,
      options,
    )
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
    super('', cause.retryAfterSeconds ?? 1, false, { cause })
    this.message = cause.message
  }
}

export class UpstreamCircuitOpenError extends GatewayError {
  /** `failure`: what the last call before the circuit opened ran into. */
  constructor(connection: string, retryAfterSeconds: number, failure?: string) {
    super('UPSTREAM_CIRCUIT_OPEN', `the CRM of connection "${connection}" failed repeatedly; calls are paused for ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
    this.failure = failure
  }
}

export class UpstreamUnavailableError extends GatewayError {
  constructor(message: string, failure?: string, options?: ErrorOptions) {
    super('UPSTREAM_UNAVAILABLE', message, options)
    this.failure = failure
  }
}

export class UpstreamBadResponseError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('UPSTREAM_BAD_RESPONSE', message, options)
  }
}

/**
 * The CRM answered a status the call does not expect and that says nothing about the caller's
 * data: a 404 on a path that names no record, a 3xx, 405, 413, 414… A wrong `baseUrl`, a proxy in
 * the way, or a change in the CRM's API: the operator's to fix, so a 502 and not a 4xx.
 */
export class UpstreamUnexpectedStatusError extends GatewayError {
  constructor(message: string, options?: ErrorOptions) {
    super('UPSTREAM_UNEXPECTED_STATUS', message, options)
  }
}

export class UpstreamTimeoutError extends GatewayError {
  constructor(connection: string, failure?: string, options?: ErrorOptions) {
    super('UPSTREAM_TIMEOUT', `the CRM of connection "${connection}" did not answer in time`, options)
    this.failure = failure
  }
}

/** The same `Idempotency-Key` came with another body: it names another task. */
export class IdempotencyKeyReusedError extends GatewayError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'headers/idempotency-key was already used with another body')
  }
}

/** The first request with this `Idempotency-Key` is still running past this one's deadline. */
export class IdempotencyKeyInFlightError extends GatewayError {
  constructor() {
    super('IDEMPOTENCY_KEY_IN_FLIGHT', 'headers/idempotency-key: the first request with this key is still running; retry later')
  }
}

/**
 * The first request with this `Idempotency-Key` may have created the task (the CRM took the
 * create, and its answer was lost), and the gateway cannot tell yet whether it did: sending the
 * create again could make a second task. `why` says what keeps it from telling.
 */
export class IdempotencyKeyInDoubtError extends GatewayError {
  constructor(why: string, retryAfterSeconds?: number, options?: ErrorOptions) {
    super('IDEMPOTENCY_KEY_IN_DOUBT', `headers/idempotency-key: the first request with this key may have created the task, and ${why}`, options)
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * The tenant's idempotency keys fill its share of the store with creates that have not finished
 * (running, or in doubt): none can make room without risking a second task, so a new key waits.
 */
export class IdempotencyStoreFullError extends GatewayError {
  constructor(retryAfterSeconds = 60) {
    super('IDEMPOTENCY_STORE_FULL', `headers/idempotency-key: this tenant's idempotency keys are all held by unfinished creates; retry after ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * Replicas share their idempotency keys in Redis, and it is unreachable: this replica cannot tell
 * whether another one has the key, and creating anyway could make a second task. A keyed create
 * waits for Redis; creates without a key go on.
 */
export class IdempotencyStoreUnavailableError extends GatewayError {
  constructor(retryAfterSeconds: number, options?: ErrorOptions) {
    super(
      'IDEMPOTENCY_STORE_UNAVAILABLE',
      `headers/idempotency-key: the store the replicas share for keys is unreachable, and without it the create could be made twice; retry after ${retryAfterSeconds} s`,
      options,
    )
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
  constructor(why: string, retryAfterSeconds: number) {
    super('ACTIVITY_IN_DOUBT', `body/metadata/messageId: the first request with this message id may have logged it, and ${why}`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * A contact or company whose earlier export may have created it (the CRM's answer was lost) and
 * which the CRM's lookups do not show yet: exporting it now could make a second one. In a batch's
 * `errors`; the whole answer when no record could be done, so that Enginy sends the batch again.
 */
export class RecordInDoubtError extends GatewayError {
  constructor(why: string, retryAfterSeconds: number) {
    super('RECORD_IN_DOUBT', `an earlier export of this record may have created it, and ${why}`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** Anything unexpected. What went wrong (`detail`, `cause`) is logged, never sent: it may hold internals. */
export class InternalError extends GatewayError {
  constructor(
    readonly detail?: string,
    options?: ErrorOptions,
  ) {
    super('INTERNAL', 'internal error', options)
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

  constructor(key: string, problem: string, options?: ErrorOptions)
  constructor(problems: readonly ConfigProblem[])
  constructor(keyOrProblems: string | readonly ConfigProblem[], problem = '', options?: ErrorOptions) {
    const problems = typeof keyOrProblems === 'string' ? [{ key: keyOrProblems, problem }] : keyOrProblems
    const lines = problems.map(({ key, problem }) => (key ? `${key}: ${problem}` : problem))
    super(lines.length === 1 ? `config: ${lines[0]}` : `config: ${lines.length} problems: ${lines.join('; ')}`, options)
    this.problems = problems
  }
}

/** Not an HTTP error: environment variables the server cannot start with, one line each. */
export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'))
  }
}
