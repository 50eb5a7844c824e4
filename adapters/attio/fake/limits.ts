import { attioError } from './errors.ts'
import type { SeenRequest, Step } from './http.ts'

export interface RateLimitOptions {
  readsPerSecond: number
  writesPerSecond: number
}

/** Reads are GETs and the POSTs that only query (assumed: the guide does not say which calls
 * are reads, and queries are POSTs). */
const QUERY = /^\/v2\/(objects\/[^/]+\/records\/query|objects\/records\/search|lists\/[^/]+\/entries\/query)$/

const isRead = (request: SeenRequest): boolean => request.method === 'GET' || (request.method === 'POST' && QUERY.test(request.path))

/**
 * Attio's rate limits (https://docs.attio.com/rest-api/guides/rate-limiting): "100 requests per
 * second for read requests, 25 requests per second for write requests", counted here in clock
 * seconds, since the limit "resets (usually the following second)". Past it the answer is 429
 * with a `Retry-After` header holding an HTTP date, not a number of seconds, and the body
 * `{status_code: 429, type: "rate_limit_error", code: "rate_limit_exceeded", message}`. A limited
 * request "has not been processed", so it is not counted. The guide names no header that tells
 * the remaining budget, so other answers carry none. Whether the limit is per token or per
 * workspace it does not say; the fake has one token.
 */
export class RateLimits {
  /** 429s answered, by the window or on demand. */
  limited = 0
  private forced = 0
  private second = -1
  private reads = 0
  private writes = 0

  constructor(private readonly options: RateLimitOptions) {}

  /** The next `count` requests are answered 429, whatever the window holds. */
  forceNext(count: number): void {
    this.forced += count
  }

  /** The 429 for this request, or undefined after counting it in its window. */
  check(request: SeenRequest): Step | undefined {
    const second = Math.floor(request.at / 1000)
    if (second !== this.second) {
      this.second = second
      this.reads = 0
      this.writes = 0
    }
    const read = isRead(request)
    const over = read ? this.reads >= this.options.readsPerSecond : this.writes >= this.options.writesPerSecond
    if (this.forced > 0 || over) {
      if (this.forced > 0) this.forced--
      this.limited++
      return attioError(429, 'rate_limit_error', 'rate_limit_exceeded', 'Rate limit exceeded, please try again later', {
        'retry-after': new Date((second + 1) * 1000).toUTCString(),
      })
    }
    if (read) this.reads++
    else this.writes++
    return undefined
  }
}
