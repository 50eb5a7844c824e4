import type { CallOptions } from '../adapter/common.ts'
import type { CallSpan } from './call-span.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One call to a CRM, as adapters describe it. */
export interface UpstreamRequest {
  readonly method: HttpMethod
  /**
   * The path as a template, appended to the connection's base URL: `/crm/objects/2026-09/tasks/{taskId}`.
   * Each `{name}` is one whole segment, filled from `params` by the client (`path.ts`); logs and
   * metrics name the template. Never build a path by concatenation.
   */
  readonly route: string
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string>>
  readonly body?: unknown
  /** A POST that is safe to repeat (a batch read). PATCH and PUT are taken as idempotent here. */
  readonly idempotent?: boolean
  /** A route group the CRM limits apart (declared in the client's `limits`), e.g. `search`:
   * the call waits for that group's limit and for the connection's. */
  readonly limitGroup?: string
  /** The statuses that mean success; by default any 2xx. Any other status throws (`status.ts`). */
  readonly expect?: readonly number[]
  readonly options: CallOptions
}

/** One attempt of a request; the layers below retry see one of these each time. */
export interface Attempt extends UpstreamRequest {
  /** The route filled in with its parameters. */
  readonly path: string
  /** 0 for the first try. */
  readonly number: number
  /** Headers of this attempt alone, over the client's: a credential fetched for it (`credentials.ts`). */
  readonly headers?: Readonly<Record<string, string>>
  /** Milliseconds this attempt waited for the rate limiter. */
  waitedMs: number
  /** The span of the call this attempt belongs to, when the request is traced (`call-trace.ts`). */
  readonly span?: CallSpan
}

export interface UpstreamResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
}

export type Call = (attempt: Attempt) => Promise<UpstreamResponse>

/** A layer takes the next call and returns one of the same shape, as undici's interceptors do. */
export type Layer = (next: Call) => Call

/** What a CRM tells about its rate limit, read by the adapter that knows its headers. */
export interface RateLimitSignals {
  /** Requests left in the CRM's current window and milliseconds until it resets; `daily` when
   * it is the daily budget that is spent. */
  budget?(response: UpstreamResponse): { remaining: number; resetMs: number; daily?: boolean } | undefined
  /**
   * How long a 429 asks to wait. `daily: true` marks a spent daily cap: calls fail fast until
   * it resets instead of queueing behind it.
   */
  retryAfter?(response: UpstreamResponse): { ms: number; daily?: boolean } | undefined
  /** What is left of the CRM's daily budget, and its size, where an answer says: for the status
   * page's chart, never for pacing (`budget` says when it is spent). */
  daily?(response: UpstreamResponse): DailyBudget | undefined
}

/** A CRM's daily budget as one answer tells it, in the CRM's unit (calls, Pipedrive's tokens). */
export interface DailyBudget {
  readonly remaining: number
  readonly limit?: number
}

export function header(response: UpstreamResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** A header that holds a count (digits only, as a CRM's limit headers do), or `undefined`. */
export function countHeader(response: UpstreamResponse, name: string): number | undefined {
  const value = header(response, name)?.trim()
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined
}
