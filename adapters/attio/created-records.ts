import type { CreatedLookup, Lookup, NativeRecord, RecordInput } from '../../src/kit/spec.ts'
import { normalize } from '../../src/kit/utils.ts'
import type { RecordKindSpec } from './records.ts'
import { attioTime } from './times.ts'

/** How long after a lost create a query surely shows its record: Attio lists a record once it is
 * made (no lag is documented, and none is modelled), but may still apply a create it received
 * after the gateway stopped waiting. */
const SETTLE_MS = 15_000

/** Fields besides the lookups that tell a record without any key from another. */
const NAMES = ['firstName', 'lastName', 'name'] as const

const keyOf = (record: object, by: Lookup): string | undefined => {
  const value = (record as Record<string, unknown>)[by]
  return typeof value === 'string' ? normalize[by](value) : undefined
}

/**
 * The people or companies a lost create may have made: one query of the records created since the
 * attempt (`created_at` `$gte`, a timestamp attribute every object has) holding each lookup value
 * the create wrote, then every such value and name compared again in the core's normal form.
 * Exports that assert by e-mail or domain are safe to send again anyway (the assert finds the
 * record); this finds those without one.
 */
export function createdRecords<F>(spec: RecordKindSpec<F>): CreatedLookup<RecordInput<F>, NativeRecord<F>> {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const written = spec.lookups.flatMap((by) => {
        const key = keyOf(input, by)
        return key === undefined ? [] : [[by, key] as const]
      })
      const filter = { $and: [{ created_at: { $gte: attioTime(createdAfter) } }, ...written.map(([by, key]) => spec.filter(by, [key]))] }
      const records = (await spec.calls.query(filter, options)).map(spec.from)
      const named = (record: NativeRecord<F>) =>
        NAMES.every((field) => {
          const want = (input as Record<string, unknown>)[field]
          return want === undefined || (record as Record<string, unknown>)[field] === want
        })
      return records.filter((record) => (record.createdAt ?? 0) >= createdAfter && written.every(([by, key]) => keyOf(record, by) === key) && named(record))
    },
  }
}
