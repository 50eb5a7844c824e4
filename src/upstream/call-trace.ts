import { GatewayError } from '../errors.ts'
import { TransportError } from './transport.ts'
import type { Layer } from './types.ts'

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

/** The code a failed attempt or call is known by: the transport's, or the gateway error's. */
export function failureCode(error: unknown): string {
  if (error instanceof TransportError) return error.causeCode
  if (error instanceof GatewayError) return error.code
  return (error as Error).name
}

/**
 * One span per logical call, the outermost layer: it covers everything the call waited for (the
 * connection's slots, the breaker, the rate limiter, credentials, back-offs) and every attempt,
 * which the observe layer reports to it as events. A span per attempt would leave the back-offs
 * and queues, often most of a slow call, in no span at all, and a batch of 12 calls would show as
 * more spans than calls. With no trace on the request it is one branch.
 */
export function traceLayer(connection: string, baseUrl: string): Layer {
  const url = new URL(baseUrl)
  const address = url.hostname
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  return (next) => async (attempt) => {
    const trace = attempt.options.trace
    if (!trace) return next(attempt)
    const span = trace.call({ method: attempt.method, route: attempt.route, connection, address, port })
    try {
      const response = await next({ ...attempt, span })
      span.end(response.status)
      return response
    } catch (error) {
      span.end(failureCode(error))
      throw error
    }
  }
}
