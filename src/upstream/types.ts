import type { CallSpan } from '../kit/spec/call-options.ts'
import type { UpstreamRequest, UpstreamResponse } from '../kit/spec.ts'

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

export type Call = (attempt: Attempt) => Promise<UpstreamResponse>

/** A layer takes the next call and returns one of the same shape, as undici's interceptors do. */
export type Layer = (next: Call) => Call

/** A header of an answer, the first where it came more than once, or `undefined`. */
export function header(response: UpstreamResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** A header that holds a count (digits only, as a CRM's limit headers do), or `undefined`. */
export function countHeader(response: UpstreamResponse, name: string): number | undefined {
  const value = header(response, name)?.trim()
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined
}
