import type { IncomingHttpHeaders } from 'node:http'
import type { CallTrace } from '../kit/spec/call-options.ts'

/**
 * What the gateway sees of traces, as types only: `tracing.ts` loads the implementation
 * (`otel.ts`) when traces are on, and that implementation names these types without importing
 * the module that loads it.
 */

/** How a request to the gateway ended, for its span. */
export interface RequestOutcome {
  /** The status answered; absent when the client left before the answer was sent. */
  readonly status?: number
  /** Known once the key is resolved: a 401 has neither. */
  readonly tenant?: string
  readonly connection?: string
}

/** The span of one request to the gateway; its CRM calls' spans are its children. */
export interface RequestTrace extends CallTrace {
  /** The request failed with the gateway's error `code` (`src/errors.ts`): its answer is that error. */
  failed(code: string): void
  /** Ends the span; only the first call counts. */
  end(outcome: RequestOutcome): void
}

/** Traces, when the OTEL_* variables turn them on. */
export interface Tracing {
  /**
   * The span of a request, named by its route template (`POST /tasks/batch`; the method alone for
   * a path no route serves), continuing the trace its `traceparent` and `tracestate` headers name.
   */
  request(headers: IncomingHttpHeaders, method: string, route: string | undefined, requestId: string): RequestTrace
  /** Exports the spans still held and stops; false when they could not all go within `timeoutMs`. */
  shutdown(timeoutMs: number): Promise<boolean>
}
