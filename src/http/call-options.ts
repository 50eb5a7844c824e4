import { setMaxListeners } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { AdapterWarning, CallOptions } from '../kit/spec.ts'
import type { CallTrace } from '../kit/spec/call-options.ts'

/**
 * The `CallOptions` of one gateway request. Its signal aborts at the request's deadline, or when
 * the client hangs up before its answer is sent: the CRM calls and queued work of that request stop
 * then, instead of spending the CRM's budget on an answer nobody reads. (Fastify's own
 * `request.signal` aborts once a request body has been read, so it cannot say that.) The signal is
 * made on first use, so a request served without a CRM call (the memory adapter, a cache hit)
 * never pays for the timer. It is a class because V8 builds an object literal with a getter on a
 * slow path, and this is built per request.
 */
export class RequestCallOptions implements CallOptions {
  readonly deadline: number
  private made: AbortSignal | undefined

  constructor(
    timeoutMs: number,
    readonly warn: (warning: AdapterWarning) => void,
    private readonly response?: ServerResponse,
    readonly trace?: CallTrace,
  ) {
    this.deadline = Date.now() + timeoutMs
  }

  get signal(): AbortSignal {
    if (!this.made) {
      const timeout = AbortSignal.timeout(Math.max(0, this.deadline - Date.now()))
      this.made = this.response ? AbortSignal.any([timeout, hangUp(this.response)]) : timeout
      // A batch's chunks all listen to this one signal.
      setMaxListeners(0, this.made)
    }
    return this.made
  }
}

const hangUps = new WeakMap<ServerResponse, AbortSignal>()

/** Aborted when the connection closes before `response` was sent; one listener per response,
 * however many call options a request makes. */
function hangUp(response: ServerResponse): AbortSignal {
  const known = hangUps.get(response)
  if (known) return known
  const controller = new AbortController()
  if (response.destroyed && !response.writableFinished) controller.abort()
  else response.once('close', () => response.writableFinished || controller.abort())
  hangUps.set(response, controller.signal)
  return controller.signal
}
