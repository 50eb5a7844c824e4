/**
 * The trace of a request's CRM calls, as types only: the upstream client's attempts carry a span,
 * the call options carry a trace, and the tracing in `src/ops/` implements both. A module of its
 * own, which imports nothing, so that the types of a call (`types.ts`) can name a span without
 * importing the layer that makes it (`call-trace.ts`), which imports them.
 */

/** What the span of one CRM call is told when it starts: nothing a caller sent, no filled path. */
export interface CallDescription {
  readonly method: string
  /** The path template (`/crm/objects/2026-09/tasks/{taskId}`), never the path filled with ids. */
  readonly route: string
  readonly connection: string
  readonly address: string
  readonly port: number
}

/** One attempt of a call, as `client.ts`'s observe layer reports it. */
export interface AttemptReport {
  /** 0 for the first try. */
  readonly attempt: number
  /** The HTTP status, or the code of what failed. */
  readonly outcome: number | string
  /** Milliseconds the attempt waited for the gateway's rate limiter. */
  readonly waitedMs: number
  /** Milliseconds of the exchange itself. */
  readonly ms: number
}

/** The span of one CRM call. */
export interface CallSpan {
  attempt(report: AttemptReport): void
  /** The call's last status, or the code of what it failed with. */
  end(outcome: number | string): void
}

/**
 * The trace a request's CRM calls belong to, carried by their `CallOptions` (`trace`): adapters
 * pass their options on unchanged, so the upstream client finds it with no help from them. Unset
 * when traces are off, and on calls no request made (health checks, the CLI): those make no span.
 */
export interface CallTrace {
  /** Starts the span of one CRM call, a child of the request's span. */
  call(description: CallDescription): CallSpan
  /** This trace, for a call made in this request's name that serves `others` too: its spans
   * link to theirs (`src/tools/coalesce.ts` says whose a shared call is). */
  sharedWith(others: readonly CallTrace[]): CallTrace
}
