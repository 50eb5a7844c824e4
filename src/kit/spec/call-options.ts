/**
 * What every adapter method is given for its calls: the caller's deadline and cancellation, a
 * place for warnings, and what the core's layers need to find on each call. Part of the seam
 * (`src/kit/spec.ts`): this file imports nothing.
 */

/** A note for the caller's log line about one request, e.g. a field the CRM cannot hold. */
export interface AdapterWarning {
  /** `unsupported`: something the CRM cannot hold was dropped; `compatibility`: it was adapted. */
  readonly type: 'unsupported' | 'compatibility'
  /** The gateway's name of the field concerned, if any. */
  readonly field?: string
  readonly message: string
}

/**
 * What a create with an `Idempotency-Key` learns about its own writes: whether one of them may
 * have taken effect in the CRM. The upstream client tells it of every write it sends (anything
 * but a GET or a POST marked `idempotent`); an adapter that writes without the upstream client (a
 * database) tells it itself. A create that failed with no write in doubt can be sent again; one
 * that failed after a write that may have taken effect must not be, or the CRM holds two tasks.
 */
export interface WriteLog {
  /**
   * A write is leaving for the CRM: from now on it may take effect. Call `refused()` on what
   * this returns when the CRM surely did not apply it (the connection was refused before
   * anything was sent, or the CRM answered a 4xx); after a 2xx, a 5xx, a timeout or a dropped
   * connection, never.
   */
  sending(): {
    /** The CRM surely did not apply the write. */
    refused(): void
  }
}

/** What the span of one CRM call is told when it starts: nothing a caller sent, no filled path. */
export interface CallDescription {
  readonly method: string
  /** The path template (`/crm/objects/2026-09/tasks/{taskId}`), never the path filled with ids. */
  readonly route: string
  readonly connection: string
  readonly address: string
  readonly port: number
}

/** One attempt of a call, as the upstream client reports it to the call's span. */
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
   * link to theirs (`src/service/coalesce.ts` says whose a shared call is). */
  sharedWith(others: readonly CallTrace[]): CallTrace
}

/** What every adapter method is given, to pass on unchanged to each upstream call. */
export interface CallOptions {
  /** Aborted when the gateway request is cancelled or passes its deadline. */
  readonly signal: AbortSignal
  /** Epoch milliseconds by which the whole gateway request must have answered. */
  readonly deadline: number
  /** Notes for the caller's log line, e.g. a field the CRM cannot hold. */
  readonly warn: (warning: AdapterWarning) => void
  /** Set on readiness checks: their calls skip the queue for the connection's concurrency, as
   * they measure the CRM, not the gateway's own backlog. */
  readonly probe?: boolean
  /** Set on the calls the core makes outside any request (`doLearnLinks`): each is sent once,
   * the core backing off between tries, and the circuit breaker lets it through only while closed
   * and counts neither its failure nor its success, so a side read that fails (an account-info
   * endpoint answering 500) never stops the tenants' own calls. */
  readonly background?: boolean
  /** Set on a create the gateway must never send twice by mistake (one with an
   * `Idempotency-Key`): each write that may reach the CRM is told to it (`WriteLog`). */
  readonly writes?: WriteLog
  /** The request's trace, when traces are on: the upstream client makes each CRM call's span
   * under it. */
  readonly trace?: CallTrace
}
