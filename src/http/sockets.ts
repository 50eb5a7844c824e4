import type { IncomingMessage, Server, ServerOptions } from 'node:http'

/**
 * How long a client may hold a socket. Node's defaults let a client that trickles its headers or
 * body keep a socket (and a parser) for minutes, with or without an API key.
 */

/** A body still arriving when its deadline would have passed gets one second more, so an honest
 * slow upload is not cut at the very moment it finishes. */
const RECEIVE_GRACE_MS = 1000
/** Enginy sends its headers in one write: ten seconds is for bad networks, not for slow clients. */
const HEADERS_MS = 10_000
/** Longer than the 60 s idle timeout of common load balancers, so the balancer closes an idle
 * connection and never sends a request on one the gateway is closing at that moment. */
const KEEP_ALIVE_MS = 72_000
/** How often Node looks for requests past these limits; its default, 30 s, would let a request
 * run up to 30 s past them. The check visits only sockets with a request still arriving. */
const CHECK_EVERY_MS = 1000

export interface SocketLimits {
  /** Receiving a whole request, from its first byte: a client still sending then is cut with a 408. */
  readonly requestTimeout: number
  readonly keepAliveTimeout: number
  readonly http: ServerOptions
}

/** The Fastify server options for `limits.requestTimeoutMs`, the deadline of one request. */
export function socketLimits(requestTimeoutMs: number): SocketLimits {
  const requestTimeout = requestTimeoutMs + RECEIVE_GRACE_MS
  return {
    requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_MS,
    // Node refuses a headers timeout longer than the request timeout.
    http: { headersTimeout: Math.min(HEADERS_MS, requestTimeout), connectionsCheckingInterval: CHECK_EVERY_MS },
  }
}

/**
 * Puts a reloaded `limits.requestTimeoutMs` in force on a listening server: Node reads these two
 * at each check of its sockets, so requests arriving after the reload are held to the new limit.
 */
export function applySocketLimits(server: Server, requestTimeoutMs: number): void {
  const limits = socketLimits(requestTimeoutMs)
  server.requestTimeout = limits.requestTimeout
  server.headersTimeout = limits.http.headersTimeout!
}

/**
 * Whether the request's body has not all arrived yet. An answer sent then (a 401, a 413) closes
 * the connection: keeping it alive would mean reading and throwing away the rest of the body,
 * which lets a client hold the socket as long as it keeps sending.
 */
export function bodyStillComing(raw: IncomingMessage): boolean {
  if (raw.complete) return false
  const length = raw.headers['content-length']
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}
