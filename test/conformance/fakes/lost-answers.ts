import type { Handler, HttpFake, SeenRequest, Step } from './http-fake.ts'

/**
 * The fake applies the first create it is sent, then loses its answer: it drops the connection
 * (`reset`), or answers only after the gateway stopped waiting (`late`, with `LOSING_TIMEOUTS`).
 * Every other request is served as usual.
 */
export function loseFirstCreate(http: HttpFake, isCreate: (request: SeenRequest) => boolean, how: 'reset' | 'late'): void {
  const healthy: Handler = http.handler
  let lost = false
  http.handler = async (request) => {
    const step = await healthy(request)
    if (lost || !isCreate(request)) return step
    lost = true
    return how === 'reset' ? { ...step, reset: true } : { ...step, delayMs: 1500 }
  }
}

/** The fake answers the first create it is sent with `step`, without applying it. */
export function failFirstCreate(http: HttpFake, isCreate: (request: SeenRequest) => boolean, step: Step): void {
  const healthy: Handler = http.handler
  let failed = false
  http.handler = async (request) => {
    if (failed || !isCreate(request)) return healthy(request)
    failed = true
    return step
  }
}

/** A connection's timeouts and retries under which `late` loses the answer: the gateway stops
 * waiting for an answer's headers after 300 ms. */
export const LOSING_TIMEOUTS = { timeouts: { connectMs: 1000, headersMs: 300, bodyMs: 1000 }, retry: { maxRetries: 2, minDelayMs: 5, maxDelayMs: 20 } }
