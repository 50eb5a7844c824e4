import { TransportError } from './transport.ts'
import type { Attempt, Layer } from './types.ts'

/** A call that can change the CRM: anything but a GET, or a POST marked `idempotent` (a read). */
function isWrite(attempt: Attempt): boolean {
  return attempt.method !== 'GET' && !(attempt.method === 'POST' && attempt.idempotent === true)
}

/**
 * Tells the request's write log (`CallOptions.writes`, set on creates with an `Idempotency-Key`)
 * of every attempt of a write, as the transport sends it. It is the innermost layer: a call
 * refused by the breaker or the rate limit, or left in a queue, never reached the CRM and is not
 * told. Only a refused connection or a 4xx prove that the CRM did not apply the write; a 5xx, a
 * timeout, an abort or a dropped connection leave it in doubt, and so does a 2xx, whatever
 * happens after it.
 */
export const writeLogLayer: Layer = (next) => async (attempt) => {
  const log = attempt.options.writes
  if (!log || !isWrite(attempt)) return next(attempt)
  const write = log.sending()
  try {
    const response = await next(attempt)
    if (response.status >= 400 && response.status < 500) write.refused()
    return response
  } catch (error) {
    if (error instanceof TransportError && error.notSent) write.refused()
    throw error
  }
}
