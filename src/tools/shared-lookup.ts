import type { CallOptions } from '../kit/spec.ts'
import { UpstreamTimeoutError } from '../errors.ts'
import { BoundedMap } from './bounded-map.ts'
import { SharedCallOptions, SharedSignal } from './shared-signal.ts'

interface Flight<V> {
  readonly value: Promise<V>
  readonly shared: SharedSignal
  readonly deadline: number
}

/**
 * Values an adapter looks up in its CRM and keeps a while (owners by e-mail, the owner list,
 * activity types, field definitions), where lookups of one key at once share one call. The
 * rules of that sharing:
 *
 * - **whose cancellation**: the shared call is cancelled only when every waiter has gone
 *   (`SharedSignal`); each waiter leaves at its own cancellation or deadline, with a 504, and the
 *   call goes on for the others;
 * - **whose deadline**: the call runs to the deadline of the request that started it. A waiter that
 *   joined it and still has time when it times out starts a call of its own, to its own deadline,
 *   rather than inheriting the 504 of a request that was not its own;
 * - **which value wins**: a call's value is kept unless `forget` came after the call started (a
 *   value older than what the adapter knows has changed is answered to its waiters, not kept).
 *   A failure is never kept: the next lookup asks again;
 * - **whose warnings and whose span**: the starter's, as the call is made in its name. A request
 *   that joins it waits for a call already under way in another request's trace, and its own
 *   trace shows no span of it.
 */
export class SharedLookup<K extends {}, V extends {}> {
  private readonly kept
  private readonly flights = new Map<K, Flight<V>>()
  private readonly forgotten = new Map<K, number>()
  private sequence = 0

  constructor(
    private readonly lookup: (key: K, options: CallOptions) => Promise<V>,
    private readonly settings: { readonly max: number; readonly ttlMs?: number; readonly connection: string },
  ) {
    this.kept = new BoundedMap<K, V>(settings)
  }

  /** The value of `key`: kept, or shared with a lookup in flight, or looked up. `fresh`: ask the CRM. */
  async get(key: K, options: CallOptions, fresh = false): Promise<V> {
    if (!fresh) {
      const known = this.kept.get(key)
      if (known !== undefined) return known
    }
    const joined = fresh ? undefined : this.flights.get(key)
    const flight = joined ?? this.start(key, options)
    try {
      return await flight.shared.wait(flight.value, options, this.settings.connection)
    } catch (error) {
      const outlived = error instanceof UpstreamTimeoutError && !options.signal.aborted && options.deadline > flight.deadline
      if (joined && outlived) return this.get(key, options, true)
      throw error
    }
  }

  /** Drops what is kept of `key`, and the value of any lookup of it already in flight. */
  forget(key: K): void {
    this.kept.delete(key)
    this.forgotten.set(key, ++this.sequence)
  }

  private start(key: K, options: CallOptions): Flight<V> {
    const shared = new SharedSignal()
    const started = ++this.sequence
    const value = this.lookup(key, new SharedCallOptions(shared, options.deadline, options.warn, options.probe, options.trace))
    const flight: Flight<V> = { value, shared, deadline: options.deadline }
    this.flights.set(key, flight)
    value.then(
      (found) => {
        if ((this.forgotten.get(key) ?? 0) < started) this.kept.set(key, found)
        this.settle(key, flight)
      },
      () => this.settle(key, flight),
    )
    return flight
  }

  private settle(key: K, flight: Flight<V>): void {
    if (this.flights.get(key) === flight) this.flights.delete(key)
    if (this.flights.size === 0) this.forgotten.clear()
  }
}
