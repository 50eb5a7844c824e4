import { STATUS_CODES } from 'node:http'
import { type TObject, Type } from '@sinclair/typebox'
import type { ErrorCode } from '../../errors.ts'
import { ErrorFields } from './common.ts'
import { DATE_MESSAGE } from './keywords.ts'

interface ErrorDoc {
  /** The status of the code's class in `src/errors.ts`; a test holds the two together. */
  readonly status: number
  readonly when: string
  /** A message the code may come with, as the document's example. */
  readonly message: string
  /** A header the answer may carry. */
  readonly header?: keyof typeof HEADERS
}

// Header schemas reach the document as they are: `example`, OpenAPI 3.0's word, not `examples`.
const HEADERS = {
  'retry-after': { type: 'integer', description: 'seconds to wait before trying again', example: 10 },
  'www-authenticate': { type: 'string', description: 'how to authenticate: the header the API key goes in', example: 'ApiKey header="X-API-Key"' },
}

/**
 * Every code of `src/errors.ts` as the OpenAPI document tells a caller about it, in the words of
 * the error table of docs/contract.md. Keyed by `ErrorCode`, so a new code does not compile until
 * it is described here.
 */
export const ERROR_DOCS: Readonly<Record<ErrorCode, ErrorDoc>> = {
  BAD_REQUEST: { status: 400, when: 'invalid body, path or JSON', message: `body/dueDate ${DATE_MESSAGE}` },
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
}

/** Every route of Enginy's interface: the key is checked first, and a bug can happen anywhere. */
export const KEYED: readonly ErrorCode[] = ['UNAUTHORIZED', 'AUTH_THROTTLED', 'INTERNAL']
/** A route that takes a JSON body. */
export const BODY: readonly ErrorCode[] = ['BAD_REQUEST', 'UNSUPPORTED_MEDIA_TYPE', 'BODY_TOO_LARGE']
/** A route that calls the CRM and answers its failure when nothing could be done without it. */
export const CRM_FAILED: readonly ErrorCode[] = [
  'UPSTREAM_AUTH',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  'UPSTREAM_UNEXPECTED_STATUS',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_CIRCUIT_OPEN',
  'UPSTREAM_TIMEOUT',
]

/**
 * The error answers of a route, one per status its `codes` have: the one error body, its `code`
 * limited to those codes, and a description that lists them with when each comes.
 */
export function errorAnswers(...codes: readonly ErrorCode[]): Record<number, TObject> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set(codes)) {
    const { status } = ERROR_DOCS[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const answers: Record<number, TObject> = {}
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const first = ERROR_DOCS[group[0]!]
    const name = STATUS_CODES[status]!
    answers[status] = Type.Object(
      {
        statusCode: Type.Integer({ ...ErrorFields.statusCode, examples: [status] }),
        error: Type.String({ ...ErrorFields.error, examples: [name] }),
        message: Type.String({ ...ErrorFields.message, examples: [first.message] }),
        code: Type.String({ ...ErrorFields.code, enum: group, examples: [group[0]] }),
      },
      {
        description: `${name}:\n\n${group.map((code) => `- \`${code}\`: ${ERROR_DOCS[code].when}`).join('\n')}`,
        ...headersOf(group),
      },
    )
  }
  return answers
}

function headersOf(codes: readonly ErrorCode[]): { headers?: Partial<typeof HEADERS> } {
  const names = [...new Set(codes.flatMap((code) => ERROR_DOCS[code].header ?? []))]
  return names.length === 0 ? {} : { headers: Object.fromEntries(names.map((name) => [name, HEADERS[name]])) }
}
