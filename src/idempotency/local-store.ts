import { type Entry, KEEP_MS, charge } from './entry.ts'
import type { KeyStore } from './store.ts'

/** An entry as its JSON, as Redis keeps it: an object tree of it would take three times the bytes
 * it is charged. */
interface Slot {
  readonly json: string
  readonly cost: number
  readonly expiresAt: number
}

const entryOf = (slot: Slot): Entry => JSON.parse(slot.json) as Entry

/**
 * One tenant's entries. `done` and `open` (not done) are each in the order they were last written,
 * and every entry lives `KEEP_MS` from then: the first of each is the first to expire, and the
 * first of `done` the first to go when room is needed.
 */
class TenantKeys {
  bytes = 0
  readonly done = new Map<string, Slot>()
  readonly open = new Map<string, Slot>()

  get(key: string): Slot | undefined {
    return this.done.get(key) ?? this.open.get(key)
  }

  drop(key: string): void {
    const slot = this.get(key)
    if (!slot) return
    this.done.delete(key)
    this.open.delete(key)
    this.bytes -= slot.cost
  }

  put(key: string, entry: Entry, now: number): void {
    this.drop(key)
    const json = JSON.stringify(entry)
    const slot = { json, cost: charge(key, entry, json), expiresAt: now + KEEP_MS }
    ;(entry.state === 'done' ? this.done : this.open).set(key, slot)
    this.bytes += slot.cost
  }

  purge(now: number): void {
    for (const order of [this.done, this.open]) {
      for (const [key, slot] of order) {
        if (slot.expiresAt > now) break
        this.drop(key)
      }
    }
  }

  /** Drops done entries, oldest first, until `cost` more bytes fit under `max`. */
  room(cost: number, max: number): boolean {
    for (const key of this.done.keys()) {
      if (this.bytes + cost <= max) break
      this.drop(key)
    }
    return this.bytes + cost <= max
  }
}

/** The entries of this process, when replicas do not share Redis. */
export class LocalKeys implements KeyStore {
  private readonly tenants = new Map<string, TenantKeys>()

  constructor(
    private readonly maxBytesPerTenant: number,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(tenant: string, key: string, entry: Entry): Promise<Entry | 'claimed' | 'full'> {
    const keys = this.of(tenant)
    const now = this.now()
    keys.purge(now)
    const held = keys.get(key)
    if (held) return entryOf(held)
    if (!keys.room(charge(key, entry, JSON.stringify(entry)), this.maxBytesPerTenant)) return 'full'
    keys.put(key, entry, now)
    return 'claimed'
  }

  async replace(tenant: string, key: string, attempt: string, next: Entry): Promise<boolean> {
    const keys = this.tenants.get(tenant)
    const held = keys?.get(key)
    if (!keys || !held || entryOf(held).attempt !== attempt) return false
    // An entry is charged the most any of its outcomes may take until it is done: this fits.
    keys.put(key, next, this.now())
    return true
  }

  async release(tenant: string, key: string, attempt: string): Promise<void> {
    const keys = this.tenants.get(tenant)
    const held = keys?.get(key)
    if (!keys || !held || entryOf(held).attempt !== attempt) return
    keys.drop(key)
    this.forgetEmpty(tenant, keys)
  }

  async bytes(tenant: string): Promise<number> {
    return this.tenants.get(tenant)?.bytes ?? 0
  }

  private of(tenant: string): TenantKeys {
    let keys = this.tenants.get(tenant)
    if (!keys) {
      keys = new TenantKeys()
      this.tenants.set(tenant, keys)
    }
    return keys
  }

  private forgetEmpty(tenant: string, keys: TenantKeys): void {
    if (keys.done.size === 0 && keys.open.size === 0) this.tenants.delete(tenant)
  }
}
