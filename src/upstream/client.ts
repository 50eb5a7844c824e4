import type { Static, TSchema } from '@sinclair/typebox'
import { Agent, type Dispatcher } from 'undici'
import pLimit, { type LimitFunction } from 'p-limit'
import type { Logger } from 'pino'
import type { ConnectionCore } from '../config/schema.ts'
import {
  GatewayError,
  UpstreamAuthError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors.ts'
import { CircuitBreaker, circuitBreakerLayer } from './circuit-breaker.ts'
import { concurrencyLayer } from './concurrency.ts'
import { type ErrorMessagePicker, parseJson } from './json.ts'
import { type RateLimiter, SlidingWindowLimiter, rateLimitLayer } from './rate-limit.ts'
import { retryAfterMs, retryLayer } from './retry.ts'
import { TransportError, createTransport } from './transport.ts'
import type { Attempt, Call, Layer, RateLimitSignals, UpstreamRequest, UpstreamResponse } from './types.ts'

/** What an adapter says about its CRM when it asks for a client. */
export interface UpstreamClientOptions {
  readonly baseUrl: string
  /** Credentials and fixed headers; redacted from every log line. */
  readonly headers: Readonly<Record<string, string>>
  readonly signals?: RateLimitSignals
  /** Picks the CRM's human message out of an error body, for 422 answers. */
  readonly errorMessage?: ErrorMessagePicker
}

export interface UpstreamClient {
  /** Sends a request through every layer; 401/403, 429, 5xx and network failures come back as
   * typed errors, other statuses as the response. */
  send(request: UpstreamRequest): Promise<UpstreamResponse>
  /** `send`, then the body checked against `schema`; `null` for a 404 when `notFound` allows it. */
  json<S extends TSchema>(request: UpstreamRequest, schema: S): Promise<Static<S>>
  json<S extends TSchema>(request: UpstreamRequest, schema: S, notFound: 'null'): Promise<Static<S> | null>
  readonly breaker: CircuitBreaker
  readonly limiter: RateLimiter
  close(): Promise<void>
}

export type UpstreamClientFactory = (options: UpstreamClientOptions) => UpstreamClient

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
}

export type AttemptObserver = (record: AttemptRecord) => void

export interface ConnectionUpstreamSetup {
  readonly connection: string
  readonly core: ConnectionCore
  readonly logger: Logger
  /** A dispatcher to use instead of the connection's own pool (tests pass undici's MockAgent). */
  readonly dispatcher?: Dispatcher
  readonly observer?: AttemptObserver
  /** Makes the connection's rate limiter; by default one that keeps its window in this process. */
  readonly limiter?: (connection: string, limit: ConnectionCore['rateLimit']) => RateLimiter
  /** The connection's cap on HTTP calls in flight, shared by every client its adapter makes;
   * by default one of `core.concurrency` for this client alone. */
  readonly inFlight?: LimitFunction
}

export function createUpstreamClient(setup: ConnectionUpstreamSetup, options: UpstreamClientOptions): UpstreamClient {
  const { connection, core, logger } = setup
  const signals = options.signals ?? {}
  const owned = setup.dispatcher
    ? undefined
    : new Agent({
        connect: { timeout: core.timeouts.connectMs },
        keepAliveTimeout: 30_000,
        connections: core.concurrency * 2,
      })
  const dispatcher = setup.dispatcher ?? owned!
  const limiter = setup.limiter?.(connection, core.rateLimit) ?? new SlidingWindowLimiter(core.rateLimit, connection)
  const breaker = new CircuitBreaker(core.breaker, connection)

  // Written outermost first; the last layer listed runs last, just before the transport. Retry
  // is outermost so every attempt takes its own slot, passes the breaker and is booked in the window.
  const layers: Layer[] = [
    retryLayer({ connection, config: core.retry, signals }),
    concurrencyLayer(setup.inFlight ?? pLimit(core.concurrency)),
    circuitBreakerLayer(breaker),
    rateLimitLayer(limiter, signals),
    observeLayer(connection, logger, setup.observer),
  ]
  const transport = createTransport({
    baseUrl: options.baseUrl,
    dispatcher,
    headers: options.headers,
    headersTimeoutMs: core.timeouts.headersMs,
    bodyTimeoutMs: core.timeouts.bodyMs,
  })
  const call = layers.reduceRight<Call>((next, layer) => layer(next), transport)

  async function send(request: UpstreamRequest): Promise<UpstreamResponse> {
    let response: UpstreamResponse
    try {
      response = await call({ ...request, number: 0, waitedMs: 0 })
    } catch (error) {
      throw translate(error, request)
    }
    const { status } = response
    if (status === 401 || status === 403) throw new UpstreamAuthError(connection)
    if (status === 429) {
      const ms = signals.retryAfter?.(response)?.ms ?? retryAfterMs(response) ?? 1000
      throw new UpstreamRateLimitedError(connection, Math.max(1, Math.ceil(ms / 1000)))
    }
    if (status >= 500) {
      throw new UpstreamUnavailableError(
        `the CRM of connection "${connection}" failed: ${request.method} ${request.route} answered ${status}`,
      )
    }
    return response
  }

  function translate(error: unknown, request: UpstreamRequest): GatewayError {
    if (error instanceof GatewayError) return error
    if (error instanceof TransportError && (error.kind === 'timeout' || error.kind === 'aborted')) {
      return new UpstreamTimeoutError(connection)
    }
    const code = error instanceof TransportError ? error.causeCode : 'UNKNOWN'
    logger.error({ connection, route: request.route, code }, 'upstream call failed')
    return new UpstreamUnavailableError(
      `the CRM of connection "${connection}" is unreachable: ${request.method} ${request.route} failed (${code})`,
    )
  }

  return {
    send,
    async json<S extends TSchema>(request: UpstreamRequest, schema: S, notFound?: 'null') {
      const response = await send(request)
      return parseJson(connection, request, response, schema, {
        notFound: notFound === 'null',
        errorMessage: options.errorMessage,
      })
    },
    breaker,
    limiter,
    async close() {
      await owned?.close()
    },
  } as UpstreamClient
}

/** Logs each attempt (connection, method, route template, status, attempt, wait) and reports it. */
function observeLayer(connection: string, logger: Logger, observer: AttemptObserver | undefined): Layer {
  return (next) => async (attempt: Attempt) => {
    const started = performance.now()
    const report = (outcome: number | string) => {
      const record: AttemptRecord = {
        connection,
        method: attempt.method,
        route: attempt.route,
        attempt: attempt.number,
        outcome,
        waitedMs: Math.round(attempt.waitedMs),
        ms: Math.round(performance.now() - started),
      }
      const failed = typeof outcome === 'string' || outcome >= 500 || outcome === 429
      logger[failed ? 'warn' : 'debug'](record, failed ? 'upstream call failed' : 'upstream call')
      observer?.(record)
    }
    try {
      const response = await next(attempt)
      report(response.status)
      return response
    } catch (error) {
      report(error instanceof TransportError ? error.causeCode : (error as Error).name)
      throw error
    }
  }
}
