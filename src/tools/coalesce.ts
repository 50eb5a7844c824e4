import type { CallOptions } from '../kit/spec.ts'
import type { CallTrace } from '../kit/spec/call-options.ts'
import { chunks } from './chunks.ts'
import { SharedCallOptions, SharedSignal } from './shared-signal.ts'

interface Waiter<T> {
  readonly options: CallOptions
  readonly resolve: (value: T | undefined) => void
  readonly reject: (error: unknown) => void
}

interface Flight<T> {
  /** When the read started, on the owner's clock of writes (`TaskStore`'s sequence). */
  readonly started: number
  readonly value: Promise<T | undefined>
  readonly shared: SharedSignal
}

/**
 * Gathers single lookups into batches: while no batch is in flight, a lookup goes out at once (or
 * after `windowMs`, if set); lookups that arrive while batches are in flight are gathered and go
 * out together, in chunks of `maxBatch`. So an idle gateway adds no latency, and a busy one sends
 * one call per chunk.
 *
 * The rules of sharing, which this module owns:
 * - **whose deadline, whose cancellation**: each waiter keeps its own. A batch runs with the latest
 *   deadline of those it serves and is cancelled only when every one of them has gone
 *   (`SharedSignal`); a waiter whose own deadline passes, or whose client hangs up, leaves with a
 *   504 while the others go on waiting.
 * - **which answer is fresh enough**: a lookup joins a read already in flight for its key only if
 *   `fresh(key, started)` says no write of that key finished since that read started; otherwise it
 *   waits for a read of its own. A caller whose write answered never reads what was there before.
 * - **no one waits for the slowest**: gathered lookups go out as soon as any batch in flight
 *   settles, or after `gatherMs`, whichever comes first, so one batch stuck in a retry back-off
 *   delays the others by `gatherMs` at most.
 * - **whose span**: a batch is sent in the name of the first lookup it serves, as its warnings
 *   are logged with that request: its CRM calls are spans of that request's trace, each linked to
 *   the spans of the other requests the batch serves, and stay so if that request leaves first.
 *   A call shows once, in one trace, and names every request it answered.
 * - only reads are coalesced here; writes are never shared (`TaskStore` orders them per id).
 */
export class Coalescer<T> {
  private pending = new Map<string, Waiter<T>[]>()
  private readonly inFlight = new Map<string, Flight<T>>()
  private batches = 0
  private timer: NodeJS.Timeout | undefined
  private queued = false

  constructor(
    private readonly fetch: (keys: string[], options: CallOptions) => Promise<Map<string, T>>,
    private readonly maxBatch: number,
    private readonly windowMs: number,
    private readonly connection: string,
    /** The owner's clock of writes, and whether a read that started at `started` is still fresh. */
    private readonly clock: { now(): number; fresh(key: string, started: number): boolean } = { now: () => 0, fresh: () => true },
    private readonly gatherMs = 25,
  ) {}

  load(key: string, options: CallOptions): Promise<T | undefined> {
    const flight = this.inFlight.get(key)
    if (flight && this.clock.fresh(key, flight.started)) return flight.shared.wait(flight.value, options, this.connection)
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key)
      const waiter = { options, resolve, reject }
      if (waiters) waiters.push(waiter)
      else this.pending.set(key, [waiter])
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.queued || this.timer) return
    if (this.batches === 0 && this.windowMs === 0) {
      this.queued = true
      queueMicrotask(() => {
        this.queued = false
        this.flush()
      })
      return
    }
    this.timer = setTimeout(() => this.flush(), this.batches === 0 ? this.windowMs : this.gatherMs)
  }

  private flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const taken = [...this.pending]
    this.pending = new Map()
    for (const chunk of chunks(taken, this.maxBatch)) this.send(chunk)
  }

  private send(chunk: [string, Waiter<T>[]][]): void {
    this.batches++
    const started = this.clock.now()
    const shared = new SharedSignal()
    const everyone = chunk.flatMap(([, waiters]) => waiters)
    let deadline = 0
    for (const waiter of everyone) deadline = Math.max(deadline, waiter.options.deadline)
    // Warnings of shared work are logged once, with the first request it serves.
    const first = everyone[0]!.options
    const options = new SharedCallOptions(shared, deadline, first.warn, undefined, first.trace && sharedTrace(first.trace, everyone))
    const call = this.fetch(
      chunk.map(([key]) => key),
      options,
    )
    const flights = chunk.map(([key, waiters]) => {
      const flight = { started, value: call.then((found) => found.get(key)), shared }
      this.inFlight.set(key, flight)
      for (const waiter of waiters) shared.wait(flight.value, waiter.options, this.connection).then(waiter.resolve, waiter.reject)
      return [key, flight] as const
    })
    void call
      .catch(() => {})
      .finally(() => {
        for (const [key, flight] of flights) if (this.inFlight.get(key) === flight) this.inFlight.delete(key)
        this.batches--
        if (this.pending.size > 0) this.flush()
      })
  }
}

/** The trace of the first waiter, linked to the traces of the others. */
function sharedTrace(first: CallTrace, everyone: readonly { readonly options: CallOptions }[]): CallTrace {
  const others = new Set<CallTrace>()
  for (const { options } of everyone) if (options.trace && options.trace !== first) others.add(options.trace)
  return others.size === 0 ? first : first.sharedWith([...others])
}
