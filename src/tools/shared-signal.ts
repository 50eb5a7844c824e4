import { setMaxListeners } from 'node:events'
import type { AdapterWarning, CallOptions } from '../kit/spec.ts'
import type { CallTrace } from '../kit/spec/call-options.ts'
import { UpstreamTimeoutError } from '../errors.ts'
import { type Waiter, whenAbandoned } from './abandon.ts'

/**
 * The cancellation of work several requests wait for (a coalesced batch): aborted only when every
 * waiter has gone, as undici's request deduplication does, so one caller hanging up, or running
 * out of time, never cancels what the others still wait for. Each waiter still leaves at its own
 * deadline or cancellation (`wait`), with a 504, while the shared work goes on for the others.
 */
export class SharedSignal {
  // Made on first read: shared work that never reads it (the memory adapter) never pays for it.
  private controller: AbortController | undefined
  private reason: Error | undefined
  private waiting = 0

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController()
      // Every call of the shared work listens to it: a batch's chunks, a lookup's pages.
      setMaxListeners(0, this.controller.signal)
      if (this.reason) this.controller.abort(this.reason)
    }
    return this.controller.signal
  }

  /** `work`'s outcome for one waiter, or a 504 once that waiter is cancelled or late (`whenAbandoned`). */
  wait<T>(work: Promise<T>, own: Waiter, connection: string): Promise<T> {
    this.waiting++
    return new Promise<T>((resolve, reject) => {
      const stop = whenAbandoned(own, () => {
        if (--this.waiting === 0) {
          this.reason = new UpstreamTimeoutError(connection)
          this.controller?.abort(this.reason)
        }
        reject(new UpstreamTimeoutError(connection))
      })
      work.then(
        (value) => {
          stop()
          resolve(value)
        },
        (error) => {
          stop()
          reject(error)
        },
      )
    })
  }
}

/** The options shared work runs with: its signal is the `SharedSignal`'s, made only if read (a
 * class, not a literal with a getter, which V8 builds on a slow path). */
export class SharedCallOptions implements CallOptions {
  constructor(
    private readonly shared: SharedSignal,
    readonly deadline: number,
    readonly warn: (warning: AdapterWarning) => void,
    readonly probe?: boolean,
    /** The trace of the request the shared work is made in the name of; its owner says whose. */
    readonly trace?: CallTrace,
  ) {}

  get signal(): AbortSignal {
    return this.shared.signal
  }
}
