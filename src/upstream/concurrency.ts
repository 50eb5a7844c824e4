import type { LimitFunction } from 'p-limit'
import { TransportError } from './transport.ts'
import type { Layer } from './types.ts'

/**
 * Caps the connection's HTTP calls in flight. It sits inside the retry layer, so a retry waiting
 * out its backoff holds no slot, and outside the breaker and the rate limiter, so a call that
 * waited for a slot is checked against the breaker and booked in the window when it really goes.
 * The cap counts HTTP calls, not adapter calls: an adapter may send its calls in parallel.
 * Readiness probes go around it: one call per check interval, which must not wait for a backlog.
 */
export function concurrencyLayer(limit: LimitFunction): Layer {
  return (next) => (attempt) => {
    if (attempt.options.probe) return next(attempt)
    const { signal } = attempt.options
    const queued = limit(() => {
      if (signal.aborted) throw new TransportError('aborted', 'ABORTED')
      return next(attempt)
    })
    // A call cancelled, or past its deadline, while it queues fails then, not when its turn comes.
    return new Promise((resolve, reject) => {
      const abandon = () => reject(new TransportError('aborted', 'ABORTED'))
      signal.addEventListener('abort', abandon, { once: true })
      queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', abandon))
    })
  }
}
