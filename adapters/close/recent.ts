import type { Lookup, NativeRecord } from '../../src/kit/spec.ts'
import { BoundedMap, normalize } from '../../src/kit/utils.ts'

/**
 * The records this connection made or changed in the last minutes, by the keys they are looked
 * up by. Close's search reads an index that trails its records (FACTS.md, "Lookups"): an export
 * sent again before the index has caught up would find nothing and make every record twice. A
 * lookup answers what search found, and, for each key search did not find, the record remembered
 * under it. What is remembered is what Close answered when it was written; a record changed in
 * Close meanwhile is answered as it was, and the core checks each match against its keys again.
 */
export class Recent<R extends NativeRecord<object>> {
  private readonly byKey = new BoundedMap<string, R>({ max: 20_000, ttlMs: 600_000 })
  private readonly keysOf = new BoundedMap<string, string[]>({ max: 20_000, ttlMs: 600_000 })

  constructor(private readonly lookups: readonly Lookup[]) {}

  /** A record as Close answered a write of it: its keys now lead to it, its old ones no longer. */
  wrote(record: R): void {
    for (const key of this.keysOf.get(record.id) ?? []) if (this.byKey.get(key)?.id === record.id) this.byKey.delete(key)
    const keys = this.lookups.flatMap((by) => {
      const key = keyOf(record, by)
      return key === undefined ? [] : [`${by}|${key}`]
    })
    for (const key of keys) this.byKey.set(key, record)
    this.keysOf.set(record.id, keys)
  }

  /** `found` (what search answered), and the records remembered under the keys it did not find. */
  complete(by: Lookup, keys: readonly string[], found: readonly R[]): R[] {
    const seen = new Set(found.flatMap((record) => keyOf(record, by) ?? []))
    const ids = new Set(found.map((record) => record.id))
    const remembered = keys.flatMap((key) => {
      if (seen.has(key)) return []
      const record = this.byKey.get(`${by}|${key}`)
      if (!record || ids.has(record.id)) return []
      ids.add(record.id)
      return [record]
    })
    return [...found, ...remembered]
  }
}

function keyOf(record: NativeRecord<object>, by: Lookup): string | undefined {
  const value = (record as Record<string, unknown>)[by]
  return typeof value === 'string' ? normalize[by](value) : undefined
}
