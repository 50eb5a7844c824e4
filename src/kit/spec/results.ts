/**
 * One item of a batch answer, and the errors an adapter reports. Part of the seam
 * (`src/kit/spec.ts`): the error classes themselves are values, in `src/kit/utils.ts`.
 */

/**
 * An error the gateway can answer with: a stable code and an HTTP status. Adapters throw and
 * report the classes `src/kit/utils.ts` exports (`GatewayError` and its kinds), which have this
 * shape; the core answers any other error as a 500 `INTERNAL`.
 */
export interface AdapterError extends Error {
  /** The stable code Enginy sees (`UPSTREAM_REJECTED`, `RECORD_NOT_FOUND`...). */
  readonly code: string
  /** The HTTP status the code is answered with. */
  readonly statusCode: number
  /** Seconds a client should wait before trying again, sent as `Retry-After`. */
  retryAfterSeconds?: number
}

/**
 * One item of a batch answer: done (with what it gave), missing (the CRM says the record does not
 * exist), or failed with a typed error. One bad record does not fail the whole batch: the core
 * reports each item, and answers a 5xx only when nothing could be done. `done`, `missing` and
 * `failed` in `src/kit/utils.ts` build them.
 */
export type ItemResult<T> = { readonly ok: T } | { readonly missing: true } | { readonly failed: AdapterError }
