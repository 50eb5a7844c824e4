import { GatewayError } from '../errors.ts'
import { TransportError } from './transport.ts'
import type { Layer } from './types.ts'

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
