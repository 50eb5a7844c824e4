import { type Dispatcher, request } from 'undici'
import { UpstreamBadResponseError } from '../errors.ts'
import type { Attempt, Call } from './types.ts'

/**
 * A transport failure before any status arrived. `notSent` is true only when the CRM cannot
 * have seen the request (the connection was refused or never opened): the one case where a
 * create may be sent again. Internal to `src/upstream/`; `client.ts` translates it.
 */
export class TransportError extends Error {
  constructor(
    readonly kind: 'not-sent' | 'broken' | 'timeout' | 'aborted',
    readonly causeCode: string,
    /** The same in an operator's words, with the CRM's host and port. */
    readonly failure = causeCode,
    /** `cause`: undici's own error, kept for the log. */
    options?: ErrorOptions,
  ) {
    super(`upstream transport ${kind} (${causeCode})`, options)
  }
  get notSent(): boolean {
    return this.kind === 'not-sent'
  }
}

const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

export interface TransportOptions {
  readonly connection: string
  readonly baseUrl: string
  readonly dispatcher: Dispatcher
  readonly headers: Readonly<Record<string, string>>
  readonly headersTimeoutMs: number
  readonly bodyTimeoutMs: number
  /** The most bytes of one answer the gateway reads; past it the exchange is cut off. */
  readonly maxResponseBytes: number
}

/**
 * The innermost call: one HTTP exchange over undici. CRM answers are small JSON, read whole, but
 * never past `maxResponseBytes`: the count is kept while the body arrives, so an answer of 200 MB
 * costs the cap, not 200 MB. Its time is bounded by the timeouts and the request's deadline.
 */
export function createTransport(options: TransportOptions): Call {
  const base = options.baseUrl.replace(/\/+$/, '')
  const tooLarge = () =>
    new UpstreamBadResponseError(
      `the CRM of connection "${options.connection}" sent an answer larger than ${options.maxResponseBytes} bytes (maxResponseBytes)`,
    )
  return async (attempt: Attempt) => {
    const url = new URL(base + attempt.path)
    for (const [key, value] of Object.entries(attempt.query ?? {})) url.searchParams.set(key, value)
    const hasBody = attempt.body !== undefined
    // A form is what an OAuth token endpoint takes (RFC 6749 §4.1.3); every CRM call sends JSON.
    const form = attempt.body instanceof URLSearchParams
    try {
      const res = await request(url, {
        method: attempt.method,
        dispatcher: options.dispatcher,
        headers: {
          accept: 'application/json',
          ...(hasBody ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } : {}),
          ...options.headers,
          ...attempt.headers,
        },
        body: hasBody ? (form ? String(attempt.body) : JSON.stringify(attempt.body)) : undefined,
        signal: attempt.options.signal,
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      })
      const declared = Number(res.headers['content-length'])
      if (declared > options.maxResponseBytes) {
        res.body.destroy()
        throw tooLarge()
      }
      const parts: Buffer[] = []
      let size = 0
      for await (const part of res.body) {
        size += (part as Buffer).length
        if (size > options.maxResponseBytes) {
          res.body.destroy()
          throw tooLarge()
        }
        parts.push(part as Buffer)
      }
      return { status: res.statusCode, headers: res.headers, text: Buffer.concat(parts, size).toString('utf8') }
    } catch (err) {
      if (err instanceof UpstreamBadResponseError) throw err
      const cause = { cause: err }
      if (attempt.options.signal.aborted) throw new TransportError('aborted', 'ABORTED', 'ABORTED', cause)
      const code = errorCode(err)
      const failure = describeFailure(code, url)
      if (NOT_SENT.has(code)) throw new TransportError('not-sent', code, failure, cause)
      if (TIMEOUT.has(code)) throw new TransportError('timeout', code, failure, cause)
      throw new TransportError('broken', code, failure, cause)
    }
  }
}

function errorCode(err: unknown): string {
  let current: unknown = err
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return 'UNKNOWN'
}

/** What a failed exchange ran into, naming the CRM by host and port only: a path or a query may hold ids. */
function describeFailure(code: string, url: URL): string {
  const at = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`
  const words: Readonly<Record<string, string>> = {
    ECONNREFUSED: `connection refused at ${at}`,
    ECONNRESET: `connection reset by ${at}`,
    ENOTFOUND: `no such host: ${url.hostname}`,
    EAI_AGAIN: `could not resolve ${url.hostname} (DNS lookup failed)`,
    EHOSTUNREACH: `no route to ${at}`,
    ENETUNREACH: `no network route to ${at}`,
    UND_ERR_CONNECT_TIMEOUT: `connecting to ${at} timed out`,
    UND_ERR_SOCKET: `${at} closed the connection before answering`,
    UND_ERR_HEADERS_TIMEOUT: `${at} did not start its answer in time (timeouts.headersMs)`,
    UND_ERR_BODY_TIMEOUT: `${at} stopped sending its answer (timeouts.bodyMs)`,
  }
  return words[code] ?? `${code} at ${at}`
}
