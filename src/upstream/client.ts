import type { TSchema } from '@sinclair/typebox'
import type { Logger } from 'pino'
import type { ConnectionCore } from '../config/schema.ts'
import { GatewayError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.ts'
import { Scrubber } from '../secrets.ts'
import { failureCode, traceLayer } from './call-trace.ts'
import { type CircuitBreaker, circuitBreakerLayer } from './circuit-breaker.ts'
import { concurrencyLayer } from './concurrency.ts'
import { credentialsLayer } from './credentials.ts'
import type { DailyBudget, NotFound, RateLimitSignals, UpstreamClient, UpstreamClientOptions, UpstreamRequest, UpstreamResponse } from '../kit/spec.ts'
import { parseJson } from './json.ts'
import { fillRoute } from './path.ts'
import type { UpstreamState } from './connection-state.ts'
import { type RateLimiter, rateLimitLayer } from './rate-limit.ts'
import { retryLayer } from './retry.ts'
import { judgeStatus } from './status.ts'
import { TransportError, createTransport } from './transport.ts'
import type { Attempt, Call, Layer } from './types.ts'
import { boundedWaits } from './waits.ts'
import { writeLogLayer } from './write-log.ts'

/**
 * A connection's client as the core holds it: the adapters' `UpstreamClient`, and the connection's
 * breaker and limiter, which the status page, metrics and the budget check read. Adapters are
 * handed the narrow `UpstreamClient` and cannot reach either.
 */
export interface ConnectionClient extends UpstreamClient {
  /** The connection's breaker and limiter, shared by all its clients. */
  readonly breaker: CircuitBreaker
  readonly limiter: RateLimiter
}

/** One attempt of one upstream call, as logs and metrics see it. */
export interface AttemptRecord {
  readonly connection: string
  readonly method: string
  readonly route: string
  /** 0 for the first try. */
  readonly attempt: number
  /** The HTTP status, or the transport error's code. */
  readonly outcome: number | string
  readonly waitedMs: number
  readonly ms: number
  /** The CRM's daily budget left, where its answer says. */
  readonly daily?: DailyBudget
}

export type AttemptObserver = (record: AttemptRecord) => void

export interface ConnectionUpstreamSetup {
  readonly core: ConnectionCore
  /** The connection's logger: its lines name the connection already. */
  readonly logger: Logger
  readonly observer?: AttemptObserver
  /** What every client of the connection shares: pool, breaker, limiters, calls in flight. */
  readonly state: UpstreamState
}

export function createUpstreamClient(setup: ConnectionUpstreamSetup, options: UpstreamClientOptions): ConnectionClient {
  const { core, logger, state } = setup
  const { connection, breaker, limiter } = state
  const waits = boundedWaits(options.signals ?? {}, core.pauseCap)
  const fixed = new Scrubber(Object.values(options.headers))
  const { credentials } = options
  const scrubber = { scrub: credentials ? (text: string) => credentials.scrub(fixed.scrub(text)) : (text: string) => fixed.scrub(text) }
  const groups = options.limits ?? {}
  const limitersOf = (request: UpstreamRequest): RateLimiter[] =>
    request.limitGroup === undefined ? [limiter] : [state.groupLimiter(request.limitGroup, groups[request.limitGroup]), limiter]

  // Written outermost first; the last layer listed runs last, just before the transport. The
  // call's span wraps everything it waits for; retry comes next so every attempt takes its own
  // slot, passes the breaker and is booked in the window.
  const layers: Layer[] = [
    traceLayer(connection, options.baseUrl),
    retryLayer({ connection, config: core.retry, waits }),
    ...(credentials ? [credentialsLayer(credentials)] : []),
    concurrencyLayer(state.inFlight),
    circuitBreakerLayer(breaker),
    rateLimitLayer(limitersOf, waits),
    observeLayer(connection, logger, setup.observer, options.signals),
    writeLogLayer,
  ]
  const transport = createTransport({
    connection,
    baseUrl: options.baseUrl,
    dispatcher: state.dispatcher,
    headers: options.headers,
    headersTimeoutMs: core.timeouts.headersMs,
    bodyTimeoutMs: core.timeouts.bodyMs,
    maxResponseBytes: core.maxResponseBytes,
  })
  const call = layers.reduceRight<Call>((next, layer) => layer(next), transport)
  const status = { connection, waits, scrubber, errorMessage: options.errorMessage }

  async function send(request: UpstreamRequest, notFound?: NotFound): Promise<UpstreamResponse | null> {
    // Built before anything is sent, so a refused parameter costs no slot, no retry, no byte.
    const path = fillRoute(request.route, request.params)
    let response: UpstreamResponse
    try {
      response = await call({ ...request, path, number: 0, waitedMs: 0 })
    } catch (error) {
      throw translate(error, request)
    }
    return judgeStatus(request, response, notFound === 'null', status) === 'ok' ? response : null
  }

  function translate(error: unknown, request: UpstreamRequest): GatewayError {
    if (error instanceof GatewayError) return error
    if (error instanceof TransportError && (error.kind === 'timeout' || error.kind === 'aborted')) {
      return new UpstreamTimeoutError(connection, error.kind === 'timeout' ? error.failure : undefined, { cause: error })
    }
    const code = error instanceof TransportError ? error.causeCode : 'UNKNOWN'
    const failure = error instanceof TransportError ? error.failure : undefined
    logger.error({ route: request.route, code }, 'upstream call failed')
    return new UpstreamUnavailableError(
      `the CRM of connection "${connection}" is unreachable: ${request.method} ${request.route} failed (${code})`,
      failure,
      { cause: error },
    )
  }

  return {
    send,
    async json<S extends TSchema>(request: UpstreamRequest, schema: S, notFound?: NotFound) {
      const response = await send(request, notFound as NotFound)
      return response && parseJson(connection, request, response, schema)
    },
    scrub: (text: string) => scrubber.scrub(text),
    breaker,
    limiter,
  } as ConnectionClient
}

/** Logs each attempt (method, route template, status, attempt, wait) and reports it with its
 * connection, and to its call's span when the request is traced. */
function observeLayer(connection: string, logger: Logger, observer: AttemptObserver | undefined, signals: RateLimitSignals | undefined): Layer {
  return (next) => async (attempt: Attempt) => {
    const started = performance.now()
    const report = (outcome: number | string, daily?: DailyBudget) => {
      const line = {
        method: attempt.method,
        route: attempt.route,
        attempt: attempt.number,
        outcome,
        waitedMs: Math.round(attempt.waitedMs),
        ms: Math.round(performance.now() - started),
      }
      const failed = typeof outcome === 'string' || outcome >= 500 || outcome === 429
      logger[failed ? 'warn' : 'debug'](line, failed ? 'upstream call failed' : 'upstream call')
      observer?.({ connection, ...line, ...(daily && { daily }) })
      attempt.span?.attempt(line)
    }
    try {
      const response = await next(attempt)
      report(response.status, observer && signals?.daily?.(response))
      return response
    } catch (error) {
      report(failureCode(error))
      throw error
    }
  }
}
