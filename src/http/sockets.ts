import type { IncomingMessage, Server, ServerOptions } from 'node:http'
import type { Socket } from 'node:net'

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
 * After an answer sent before its request's body has all arrived, the gateway reads and drops
 * what the client still sends for this long, or this many bytes, whichever comes first, then
 * closes the connection (nginx's lingering close).
 */
const LINGER_MS = 2000
const LINGER_BYTES = 4 * 1024 * 1024

/**
 * Whether the request's body has not all arrived yet. An answer sent then (a 401, a 413) closes
 * the connection (`lingerBeforeClose`): keeping it alive would mean reading and throwing away the
 * rest of the body, which lets a client hold the socket as long as it keeps sending.
 */
export function bodyStillComing(raw: IncomingMessage): boolean {
  if (raw.complete) return false
  const length = raw.headers['content-length']
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * Closes `socket`, once the answer it carries is sent, the way nginx's lingering close does. Node
 * destroys a socket as soon as an answer with `Connection: close` is written; a client still
 * sending its body then draws a reset, which can discard the answer before the client reads it
 * (it sees `EPIPE` and no answer, and may send the same body again for ever). Instead the gateway
 * ends its side, and reads and drops what comes, no longer as a request, until the client closes
 * its side or `LINGER_MS` or `LINGER_BYTES` pass: a client that never stops sending holds the
 * socket no longer than that.
 */
export function lingerBeforeClose(socket: Socket): void {
  // Node's HTTP server calls this once the answer is written and the connection is not to be kept.
  socket.destroySoon = () => linger(socket)
}

function linger(socket: Socket): void {
  socket.end()
  // Once the answer is out: `destroy` drops whatever is still queued to write.
  const close = () => (socket.writableFinished ? socket.destroy() : socket.once('finish', () => socket.destroy()))
  let read = 0
  const drop = (chunk: Buffer) => {
    read += chunk.length
    if (read > LINGER_BYTES) close()
  }
  // Adding a 'data' listener takes the socket from the HTTP parser's own reading (Node's server
  // wraps `on` for that); the parser's listener goes, so nothing that follows is read as a request.
  socket.on('data', drop)
  for (const listener of socket.listeners('data')) if (listener !== drop) socket.off('data', listener as (chunk: Buffer) => void)
  readAgain(socket)
  // The time bound is hard: it cuts even a client that reads nothing, whose answer never leaves.
  const timer = setTimeout(() => socket.destroy(), LINGER_MS)
  socket.once('close', () => clearTimeout(timer))
  if (socket.readableEnded) close()
  else socket.once('end', close)
  socket.resume()
}

/** The part of a socket's handle Node's HTTP server itself uses to pause and resume reading. */
interface ReadingHandle {
  reading: boolean
  readStart(): number
}

/**
 * Starts the socket's reading again. The HTTP parser stops it when a body arrives that nobody
 * reads (the request answered early), and only its own 'resume' listener, which taking the socket
 * from the parser removes, starts it again; the stream's `resume` does not, since it believes a
 * read is under way. So this does what that listener does (`onSocketResume` in Node's
 * `_http_server.js`); test/routes/socket-limits.test.ts shows a Node that changes it.
 */
function readAgain(socket: Socket): void {
  const handle = (socket as unknown as { _handle?: ReadingHandle | null })._handle
  if (!handle || handle.reading) return
  handle.reading = true
  handle.readStart()
}
