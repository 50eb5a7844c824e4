import type { LimitFunction } from 'p-limit'
import { UpstreamTimeoutError } from '../errors.ts'

/**
 * Runs `work` under a concurrency limit, leaving the queue the moment `signal` aborts: a request
 * cancelled, or past its deadline, while it waits for a slot answers then (504) instead of when
 * its turn comes, and its work never starts. p-limit itself cannot drop a queued call.
 */
export function limited<T>(limit: LimitFunction, signal: AbortSignal, connection: string, work: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new UpstreamTimeoutError(connection))
  const queued = limit(() => (signal.aborted ? Promise.reject(new UpstreamTimeoutError(connection)) : work()))
  return new Promise<T>((resolve, reject) => {
    const abandon = () => reject(new UpstreamTimeoutError(connection))
    signal.addEventListener('abort', abandon, { once: true })
    queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', abandon))
  })
}
