import type { Lookup, NativeRecord } from '../../src/kit/spec.ts'
import { BoundedMap, normalize } from '../../src/kit/utils.ts'

/**
 * How long a record this adapter created is remembered for lookups that go through search. HubSpot
 * says a new record can take "a few moments" to appear in search results
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm, "Limitations"):
 * without this, a company exported twice within those moments would be created twice.
 */
const REMEMBER_MS = 120_000
const MAX_REMEMBERED = 10_000

/**
 * Records this adapter created recently, by the normal form of each of their lookup values, in
 * this process. A search-based `doFind` adds them to what HubSpot's search found; the core checks
 * every match again. An update HubSpot took changes the remembered record's values, which search
 * may not show yet either. With several replicas, each knows only what it created.
 */
export class RecentlyCreated<R extends NativeRecord<object>> {
  private readonly byKey = new BoundedMap<string, Map<string, R>>({ max: MAX_REMEMBERED, ttlMs: REMEMBER_MS })
  private readonly keysOf = new BoundedMap<string, string[]>({ max: MAX_REMEMBERED, ttlMs: REMEMBER_MS })

  constructor(private readonly lookups: readonly Lookup[]) {}

  add(record: R): void {
    const keys: string[] = []
    for (const by of this.lookups) {
      const value = (record as Record<string, unknown>)[by]
      const key = typeof value === 'string' ? normalize[by](value) : undefined
      if (key === undefined) continue
      const slot = `${by}\u0000${key}`
      this.byKey.set(slot, (this.byKey.get(slot) ?? new Map()).set(record.id, record))
      keys.push(slot)
    }
    this.keysOf.set(record.id, keys)
  }

  /** A remembered record with `fields` changed, as an update that HubSpot took leaves it: search
   * may not show its new values either. A record not remembered stays so. */
  changed(id: string, fields: Partial<R>): void {
    const before = this.recordOf(id)
    if (!before) return
    this.forget(id)
    this.add({ ...before, ...fields, extra: { ...before.extra, ...fields.extra }, id })
  }

  forget(id: string): void {
    for (const slot of this.keysOf.get(id) ?? []) this.byKey.get(slot)?.delete(id)
    this.keysOf.delete(id)
  }

  private recordOf(id: string): R | undefined {
    for (const slot of this.keysOf.get(id) ?? []) {
      const record = this.byKey.get(slot)?.get(id)
      if (record) return record
    }
    return undefined
  }

  find(by: Lookup, keys: readonly string[]): R[] {
    return keys.flatMap((key) => [...(this.byKey.get(`${by}\u0000${key}`)?.values() ?? [])])
  }
}
