import type { Static, TSchema } from '@sinclair/typebox'
import type { CallOptions } from './call-options.ts'

/**
 * How an adapter calls its CRM: the requests it describes, the answers it reads, the client the
 * core builds for it (`AdapterContext.upstream`) and the credentials and rate-limit signals it
 * hands that client. Part of the seam (`src/kit/spec.ts`).
 */

/** The HTTP methods an upstream request may use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One call to a CRM, as adapters describe it. */
export interface UpstreamRequest {
  readonly method: HttpMethod
  /**
   * The path as a template, appended to the connection's base URL: `/crm/objects/2026-09/tasks/{taskId}`,
   * or `/task/{id}/` with a trailing slash. Each `{name}` is one whole segment, filled from
   * `params` by the client, percent-encoded; logs and metrics name the template. Never build a
   * path by concatenation.
   */
  readonly route: string
  /** The values of the route's `{name}` segments. */
  readonly params?: Readonly<Record<string, string>>
  /** The query string's parameters, encoded by the client. */
  readonly query?: Readonly<Record<string, string>>
  /** Sent as JSON. */
  readonly body?: unknown
  /** A POST that is safe to repeat (a batch read). PATCH and PUT are taken as idempotent here. */
  readonly idempotent?: boolean
  /** A route group the CRM limits apart (declared in the client's `limits`), e.g. `search`:
   * the call waits for that group's limit and for the connection's. */
  readonly limitGroup?: string
  /** The statuses that mean success; by default any 2xx. Any other status throws a typed error. */
  readonly expect?: readonly number[]
  /** The options the adapter method was given, unchanged. */
  readonly options: CallOptions
}

/** A CRM's answer, its body read whole as text. */
export interface UpstreamResponse {
  readonly status: number
  /** Header names in lower case, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
}

/** A CRM's daily budget as one answer tells it, in the CRM's unit (calls, Pipedrive's tokens). */
export interface DailyBudget {
  readonly remaining: number
  readonly limit?: number
}

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

/** A rate limit: at most `requests` calls start in any window of `intervalMs` (a sliding window,
 * as CRMs count them). The shape of a connection's `rateLimit` and `rateLimits` in config. */
export interface RateLimitConfig {
  readonly requests: number
  readonly intervalMs: number
  /** Added to the window after each call's answer, for a CRM whose servers' clocks differ;
   * by default 2% of the interval, at least 50 ms. */
  readonly marginMs?: number
}

/** Picks the CRM's own human message out of a parsed error body, or `undefined`. */
export type ErrorMessagePicker = (body: unknown) => string | undefined

/** Headers that carry a credential. */
export type CredentialHeaders = Readonly<Record<string, string>>

/**
 * A credential that changes while the connection lives (an OAuth access token), where fixed
 * `headers` will not do. The client asks it for headers before every attempt, so a refreshed
 * token is used from the next attempt on.
 */
export interface Credentials {
  /** The headers that carry the credential; may wait for a refresh when the credential has expired. */
  headers(options: CallOptions): Promise<CredentialHeaders>
  /**
   * The CRM answered 401 to `sent`: the headers to send the call once more with (a refreshed
   * credential, or one another call refreshed meanwhile), or `undefined` when there is nothing new.
   */
  refused(sent: CredentialHeaders, options: CallOptions): Promise<CredentialHeaders | undefined>
  /** The CRM answered `sent` with anything but a 401: it took the credential. */
  accepted(sent: CredentialHeaders): void
  /** Removes every secret the credential has held from a text. */
  scrub(text: string): string
}

/** An OAuth app's grant, as an adapter reads it from its connection's options. */
export interface OAuthGrant {
  /** The token endpoint (`https://oauth.pipedrive.com/oauth/token`). */
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: string
  /** The refresh token the app was authorized with: the start of the chain of rotated ones. */
  readonly refreshToken: string
  /** An access token obtained with it, used until it is refused; without it, the first call
   * refreshes. */
  readonly accessToken?: string
  /** Where the rotated tokens are kept without Redis; with Redis, read once if Redis holds none. */
  readonly tokenFile?: string
}

/** Makes a connection's refreshing credential (`AdapterContext.oauth`). */
export type OAuthFactory = (grant: OAuthGrant) => Credentials

/** What an adapter says about its CRM when it asks for a client. */
export interface UpstreamClientOptions {
  readonly baseUrl: string
  /** Credentials and fixed headers; redacted from every log line and from relayed CRM text. */
  readonly headers: Readonly<Record<string, string>>
  /** A credential that changes while the connection lives (an OAuth access token), sent on each
   * attempt over `headers`; a 401 renews it and sends the call once more. */
  readonly credentials?: Credentials
  /** How the CRM's answers tell its rate limit. */
  readonly signals?: RateLimitSignals
  /** Picks the CRM's human message out of an error body, for 422 answers. */
  readonly errorMessage?: ErrorMessagePicker
  /**
   * Limits of route groups the CRM counts apart from its general limit (HubSpot's and Pipedrive's
   * search), by group name; a request names its group in `limitGroup`. A connection's
   * `rateLimits` overrides them.
   */
  readonly limits?: Readonly<Record<string, RateLimitConfig>>
}

/** `'null'`: the call's path names one record, and a 404 means that record does not exist. */
export type NotFound = 'null'

/**
 * A connection's HTTP client, as an adapter sees it. Each call goes through the connection's
 * timeouts, retries, concurrency cap, circuit breaker and rate limit, and its status is judged by
 * one rule: a 404 naming a record is "missing", 400/409/422 the CRM's refusal (422), 401/403 a
 * refused credential (502), 429 a rate limit (503), 5xx a failing CRM (502), anything else a
 * fault of config (502).
 */
export interface UpstreamClient {
  /** Sends a request and judges its status: the response when the status is one the call
   * expects, a typed error for anything else. */
  send(request: UpstreamRequest): Promise<UpstreamResponse>
  /** `send` of a request whose path names one record: `null` when the CRM answers 404. */
  send(request: UpstreamRequest, notFound: NotFound): Promise<UpstreamResponse | null>
  /** `send`, then the body checked against `schema` (an answer that fails it is a 502). */
  json<S extends TSchema>(request: UpstreamRequest, schema: S): Promise<Static<S>>
  /** `json` of a request whose path names one record: `null` when the CRM answers 404. */
  json<S extends TSchema>(request: UpstreamRequest, schema: S, notFound: NotFound): Promise<Static<S> | null>
  /** Removes this connection's credentials from text a CRM sent, before it is relayed or logged. */
  scrub(text: string): string
}

/** Builds a client of the connection (`AdapterContext.upstream`); every client of a connection
 * shares its pool, limits and breaker. */
export type UpstreamClientFactory = (options: UpstreamClientOptions) => UpstreamClient
