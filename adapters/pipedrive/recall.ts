import type { Lookup, NativeRecord } from '../../src/kit/spec.ts'
import { BoundedMap, normalize } from '../../src/kit/utils.ts'

export interface RecallOptions {
  /** How long what a lookup learned may settle a later one (after a check, `finder.ts`); 0: never. */
  readonly ttlMs: number
  /** The most keys, and the most records, remembered. */
  readonly max: number
}

/** A record's `by` value in the core's normal form (`src/service/matching.ts`, through the kit). */
export function keyOf(record: object, by: Lookup): string | undefined {
  const value = (record as Record<string, unknown>)[by]
  return typeof value === 'string' ? normalize[by](value) : undefined
}

interface Holders {
  /** Every record holding the key, as of `at`: a complete search's answer, or a check's verdict. */
  readonly ids: Set<string>
  readonly at: number
}
interface Seen<R> {
  readonly record: R
  readonly at: number
}

/**
 * What this connection's lookups learned, so that a later lookup of the same key need not search
 * again: for each key, the complete set of records that held it (none, often) as of some moment,
 * and each record as it was when last read or written. Nothing here is answered on its own word:
 * `finder.ts` first asks Pipedrive for every record changed since (one list call), so what
 * changed meanwhile — in Pipedrive's UI, by another integration or another replica — is seen.
 *
 * This is what makes Enginy's sync-then-export cheap: sync searches each e-mail once; the export
 * that follows (whose create first looks every e-mail up again, to never make a duplicate) is
 * settled by one list call per 100 keys instead of 100 searches.
 */
export class Recall<R extends NativeRecord<object>> {
  private readonly holders: BoundedMap<string, Holders>
  private readonly records: BoundedMap<string, Seen<R>>

  constructor(
    private readonly lookups: readonly Lookup[],
    private readonly options: RecallOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.holders = new BoundedMap({ max: options.max })
    this.records = new BoundedMap({ max: options.max })
  }

  /** What is known of `key`: its holders and the moment since which changes must be checked;
   * `undefined` when nothing fresh is known, or a holder's record is no longer at hand. */
  known(by: Lookup, key: string): { holders: R[]; at: number } | undefined {
    if (this.options.ttlMs === 0) return undefined
    const known = this.holders.get(slot(by, key))
    if (!known || this.now() - known.at > this.options.ttlMs) return undefined
    const seen = [...known.ids].map((id) => this.records.get(id))
    if (seen.some((s) => s === undefined)) return undefined
    return { holders: seen.map((s) => s!.record), at: Math.min(known.at, ...seen.map((s) => s!.at)) }
  }

  /** `ids` are all the records that held `key` at `at`. */
  settle(by: Lookup, key: string, ids: Iterable<string>, at: number): void {
    if (this.options.ttlMs > 0) this.holders.set(slot(by, key), { ids: new Set(ids), at })
  }

  /**
   * `record` as it was at `at` (a read, or the answer to a create or update sent at `at`). It
   * joins the known holders of each key it holds, where that knowledge is not newer: a record
   * the gateway just created holds its e-mail alongside whoever was known to.
   */
  saw(record: R, at: number): void {
    if (this.options.ttlMs === 0) return
    const before = this.records.get(record.id)
    if (before && before.at > at) return
    this.records.set(record.id, { record, at })
    for (const by of this.lookups) {
      const key = keyOf(record, by)
      const known = key === undefined ? undefined : this.holders.get(slot(by, key))
      if (known && known.at <= at) known.ids.add(record.id)
    }
  }
}

const slot = (by: Lookup, key: string) => `${by}\u0000${key}`
