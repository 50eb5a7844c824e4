import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A request as the fake saw it. */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage['headers']
  readonly body: unknown
  readonly at: number
  /** The status the fake answered, once it has (undefined for a hang or a reset). */
  status?: number
}

/** What the fake does with one request. */
export interface Step {
  status?: number
  headers?: Record<string, string>
  body?: unknown
  /** Wait this long before answering. */
  delayMs?: number
  /** Never answer. */
  hang?: boolean
  /** Read the request, then destroy the connection without answering. */
  reset?: boolean
  /** Answer `bytes` bytes of `chunk` repeated, as a chunked body without a length, for as long
   * as the client reads: an answer too large to buffer, without the fake holding it. */
  stream?: { bytes: number; chunk: string }
  /** A JSON body already serialized, sent as it is (large answers, built once). */
  json?: string
}

/** The fake's own behaviour: the step it answers a request with when no scripted one is queued. */
export type Handler = (request: SeenRequest) => Step | Promise<Step>

/**
 * A real HTTP server on 127.0.0.1 for tests, scriptable per attempt: queued steps are used first,
 * one per request, then the handler answers. It can enforce a rate limit over a sliding window
 * and counts what it saw, so tests can assert how many calls reached the "CRM".
 */
export class HttpFake {
  readonly requests: SeenRequest[] = []
  readonly queue: Step[] = []
  rateLimit?: {
    requests: number
    windowMs: number
    /** The answer to a request past the limit (the CRM's 429). */
    onLimited: (request: SeenRequest) => Step
    /** Requests that neither count nor are limited (a benchmark's control routes). */
    exempt?: (request: SeenRequest) => boolean
  }
  rateLimited = 0
  inFlight = 0
  peakInFlight = 0
  /** The most requests at once, by `METHOD path`. */
  readonly peakByRoute = new Map<string, number>()
  private readonly inFlightByRoute = new Map<string, number>()
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    public handler: Handler,
  ) {}

  /** Starts a fake on a free port of 127.0.0.1, answering with `handler` once `queue` is empty. */
  static async start(handler: Handler): Promise<HttpFake> {
    const server = createServer()
    const fake = new HttpFake(server, handler)
    server.on('request', (req, res) => void fake.serve(req, res))
    server.on('connection', (socket) => {
      fake.sockets.add(socket)
      socket.on('close', () => fake.sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return fake
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo
    return `http://127.0.0.1:${port}`
  }

  /** Requests whose path matches, e.g. `count('POST', '/tasks')`. */
  count(method: string, path?: string | RegExp): number {
    return this.requests.filter(
      (r) => r.method === method && (path === undefined || (typeof path === 'string' ? r.path === path : path.test(r.path))),
    ).length
  }

  /** Forgets the requests seen, the queued steps and the counts, between tests. */
  reset(): void {
    this.requests.length = 0
    this.queue.length = 0
    this.rateLimited = 0
    this.peakInFlight = 0
    this.peakByRoute.clear()
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async serve(req: IncomingMessage, res: ServerResponse) {
    // A CRM counts a request when it arrives, before it has read the body.
    const at = Date.now()
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://fake').pathname}`
    this.inFlight++
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight)
    const routeInFlight = (this.inFlightByRoute.get(route) ?? 0) + 1
    this.inFlightByRoute.set(route, routeInFlight)
    this.peakByRoute.set(route, Math.max(this.peakByRoute.get(route) ?? 0, routeInFlight))
    try {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        body = text
      }
      const url = new URL(req.url ?? '/', 'http://fake')
      const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, at }
      this.requests.push(seen)
      const step = this.limited(seen) ?? this.queue.shift() ?? (await this.handler(seen))
      if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs))
      if (step.hang) return
      if (!step.reset) seen.status = step.status ?? 200
      if (step.reset) {
        req.socket.destroy()
        return
      }
      if (step.stream) {
        await this.stream(res, step.status ?? 200, step.stream)
        return
      }
      const payload = step.json ?? (step.body === undefined ? '' : JSON.stringify(step.body))
      res.writeHead(step.status ?? 200, {
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...step.headers,
      })
      res.end(payload)
    } finally {
      this.inFlight--
      this.inFlightByRoute.set(route, this.inFlightByRoute.get(route)! - 1)
    }
  }

  private async stream(res: ServerResponse, status: number, { bytes, chunk }: { bytes: number; chunk: string }) {
    res.writeHead(status, { 'content-type': 'application/json' })
    const piece = Buffer.from(chunk)
    let closed = false
    res.on('close', () => {
      closed = true
    })
    for (let sent = 0; sent < bytes && !closed; sent += piece.length) {
      if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve))
    }
    if (!closed) res.end()
  }

  private limited(seen: SeenRequest): Step | undefined {
    if (!this.rateLimit) return undefined
    const { requests, windowMs, onLimited, exempt } = this.rateLimit
    if (exempt?.(seen)) return undefined
    const recent = this.requests.filter((r) => r.at > seen.at - windowMs && r !== seen && !exempt?.(r)).length
    if (recent < requests) return undefined
    this.rateLimited++
    return onLimited(seen)
  }
}
