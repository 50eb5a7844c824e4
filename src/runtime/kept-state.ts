import type { ResolvedConnection } from '../config/types.ts'

/**
 * What adapters keep across rebuilds of a connection (`AdapterContext.keep`). A reload that
 * changes a connection's settings opens a new adapter instance; this hands it what the instance
 * before it kept, so that a memory connection's records outlive the reload.
 *
 * The rules of this shared state:
 * - Whose: one value per connection name and adapter name. Another adapter under the same name
 *   (a change a reload refuses, but a restart may make) starts with nothing of the old one's.
 * - Which write wins: the old and the new instance hold the one value. The old one finishes the
 *   requests that began before the reload while the new one serves the others, and the writes of
 *   both go to the value in the order they run: a value kept so must be safe to share (the memory
 *   adapter's methods run to completion without awaiting, so no two interleave).
 * - Who drops it: each runtime carries over the values of the connections its config still has,
 *   with the same adapter. A connection removed from the config loses its value at that reload, so
 *   adding it back later starts empty; the gateway's stop drops every value (`clear`). A runtime
 *   whose build fails is never in force: it changes nothing of the one in force.
 * - Deadlines and cancellation: none apply. `make` is synchronous and waits for nothing.
 */
export class KeptState {
  private readonly values = new Map<string, { readonly adapter: string; readonly value: unknown }>()

  /** The values `previous` kept for the connections `connections` still has with the same adapter. */
  constructor(previous: KeptState | undefined, connections: ReadonlyMap<string, ResolvedConnection>) {
    for (const [name, kept] of previous?.values ?? []) {
      if (connections.get(name)?.core.adapter === kept.adapter) this.values.set(name, kept)
    }
  }

  /** The value kept for `connection`'s `adapter`, made by `make` the first time. */
  keep<T>(connection: string, adapter: string, make: () => T): T {
    let kept = this.values.get(connection)
    if (!kept) {
      kept = { adapter, value: make() }
      this.values.set(connection, kept)
    }
    return kept.value as T
  }

  clear(): void {
    this.values.clear()
  }
}
