/**
 * A map of at most `max` entries, each kept `ttlMs` (default: until pushed out), the one written
 * longest ago pushed out first. It is what the gateway's caches need and nothing more: built per
 * connection, it must cost nothing until used. lru-cache's `max` preallocated storage for every
 * entry (1.5 MiB for 100,000) and even a growing lru-cache costs 10 µs to build, which 10,000
 * tenants with a dozen caches each pay at every start.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly until: number }>()
  private readonly max: number
  private readonly ttlMs: number

  constructor(
    settings: { readonly max: number; readonly ttlMs?: number },
    private readonly now: () => number = Date.now,
  ) {
    this.max = Math.max(1, settings.max)
    this.ttlMs = settings.ttlMs ?? Number.POSITIVE_INFINITY
  }

  /** The value of `key`, or `undefined` once it has expired or was pushed out. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.until > this.now()) return entry.value
    this.entries.delete(key)
    return undefined
  }

  /** Keeps `value` for the map's time to live, pushing out the oldest entry past `max`. */
  set(key: K, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, { value, until: this.now() + this.ttlMs })
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K)
  }

  /** Forgets `key`. */
  delete(key: K): void {
    this.entries.delete(key)
  }

  get size(): number {
    return this.entries.size
  }
}
