import type { CreatedLookup, Lookup, NativeRecord, RecordInput } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError } from '../../src/kit/utils.ts'
import type { FinderSource } from './finder.ts'
import { keyOf } from './recall.ts'

/** How long after a lost create a list surely shows its record: Pipedrive lists what it holds at
 * once, but may still apply a create it received after the gateway stopped waiting. */
const SETTLE_MS = 60_000
/** Pages of changes looked through, 500 records each. */
const MAX_PAGES = 20

/**
 * The persons or organizations a lost create may have made: those changed since the attempt (v2's
 * `updated_since`, which a new record is: a list, not a search, so no search lag), added since it
 * (`add_time`, to the second), and holding each value the create wrote that records are looked up
 * by (`lookups`), in the core's normal form.
 */
export function createdPipedriveRecords<R extends NativeRecord<object>>(
  lookups: readonly Lookup[],
  changedSince: FinderSource<R>['changedSince'],
): CreatedLookup<RecordInput<object>, R> {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const since = Math.floor(createdAfter / 1000) * 1000
      const { records, complete } = await changedSince(since, MAX_PAGES, options)
      if (!complete) throw new UpstreamUnavailableError(`Pipedrive holds more than ${MAX_PAGES * 500} records changed since the create: too many to look through`)
      const written = lookups.flatMap((by) => {
        const key = keyOf(input, by)
        return key === undefined ? [] : [[by, key] as const]
      })
      return records.filter((record) => (record.createdAt ?? 0) >= since && written.every(([by, key]) => keyOf(record, by) === key))
    },
  }
}
