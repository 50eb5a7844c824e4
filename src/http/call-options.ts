import { setMaxListeners } from 'node:events'
import type { AdapterWarning, CallOptions } from '../adapter/common.ts'

/**
 * The `CallOptions` of one gateway request. Its signal is made on first use, so a request served
 * without a CRM call (the memory adapter, a cache hit) never pays for the timer. It is a class
 * because V8 builds an object literal with a getter on a slow path, and this is built per request.
 */
export class RequestCallOptions implements CallOptions {
  readonly deadline: number
  private made: AbortSignal | undefined

  constructor(
    timeoutMs: number,
    readonly warn: (warning: AdapterWarning) => void,
  ) {
    this.deadline = Date.now() + timeoutMs
  }

  get signal(): AbortSignal {
    if (!this.made) {
      this.made = AbortSignal.timeout(Math.max(0, this.deadline - Date.now()))
      // A batch's chunks all listen to this one signal.
      setMaxListeners(0, this.made)
    }
    return this.made
  }
}
