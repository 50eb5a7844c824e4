import { setMaxListeners } from 'node:events'
import { UpstreamTimeoutError } from '../errors.ts'

/**
 * The cancellation of work several requests wait for (a coalesced batch): aborted only when every
 * waiter has gone, as undici's request deduplication does, so one caller hanging up, or running
 * out of time, never cancels what the others still wait for. Each waiter still leaves at its own
 * deadline or cancellation (`wait`), with a 504, while the shared work goes on for the others.
 */
export class SharedSignal {
  private readonly controller = new AbortController()
  private waiting = 0

  constructor() {
    // Every call of the shared work listens to it: a batch's chunks, a lookup's pages.
    setMaxListeners(0, this.controller.signal)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** `work`'s outcome for one waiter, or a 504 the moment that waiter's own signal aborts. */
  wait<T>(work: Promise<T>, own: AbortSignal, connection: string): Promise<T> {
    this.waiting++
    let left = false
    const leave = () => {
      if (left) return
      left = true
      if (--this.waiting === 0) this.controller.abort(new UpstreamTimeoutError(connection))
    }
    if (own.aborted) {
      leave()
      return Promise.reject(new UpstreamTimeoutError(connection))
    }
    return new Promise<T>((resolve, reject) => {
      const abandon = () => {
        leave()
        reject(new UpstreamTimeoutError(connection))
      }
      setMaxListeners(0, own)
      own.addEventListener('abort', abandon, { once: true })
      work.then(
        (value) => {
          own.removeEventListener('abort', abandon)
          left = true
          resolve(value)
        },
        (error) => {
          own.removeEventListener('abort', abandon)
          left = true
          reject(error)
        },
      )
    })
  }
}
