import type { CallOptions, Lookup, NativeRecord, RecordInput, RecordPatch, RecordPort } from '../../src/kit/spec.ts'
import { type GatewayError, done, failed, missing } from '../../src/kit/utils.ts'
import { isAttioId } from './ids.ts'
import type { RecordCalls } from './record-calls.ts'
import type { AttioRecord } from './schemas.ts'

type Values = Record<string, unknown>

/** What differs between people and companies, for the port below. */
export interface RecordKindSpec<F> {
  readonly calls: RecordCalls
  /** The unique attribute an export asserts by: `email_addresses` or `domains`. */
  readonly matching: string
  readonly lookups: readonly Lookup[]
  readonly unsupported: readonly (keyof F & string)[]
  /** The values a write of `fields` gives; `held` is the record as it is, for a field of several
   * parts that a write replaces whole (a person's name). */
  values(fields: RecordInput<Partial<F>>, held?: NativeRecord<F>): Values
  /** Whether a patch needs the record as it is first. */
  needsHeld?(fields: RecordInput<Partial<F>>): boolean
  from(record: AttioRecord): NativeRecord<F>
  /** The `records/query` filter of records whose `by` is one of `keys` (normal forms). */
  filter(by: Lookup, keys: readonly string[]): Values
}

/** The most keys one lookup takes: one `$or` of 100 conditions, one page of 500 records. */
export const MAX_BATCH_FIND = 100

/**
 * Contacts or companies on Attio's record endpoints. Attio has no batch write: each record is one
 * call, so the core fans records out one by one under the connection's limits. An export asserts
 * by the unique attribute (`PUT …/records?matching_attribute=`) when the record has its value:
 * the core has looked for the record already, and a record made meanwhile (another export at
 * once) is found by Attio itself rather than duplicated. A record without one is created.
 */
export function recordPort<F>(spec: RecordKindSpec<F>, linkTo: (id: string) => string | undefined): RecordPort<F> {
  const { calls } = spec
  const attempt = async <T>(work: () => Promise<T>): Promise<T | { failed: GatewayError }> => {
    try {
      return await work()
    } catch (error) {
      return failed(error as GatewayError) as { failed: GatewayError }
    }
  }
  return {
    capabilities: { maxBatchCreate: 1, maxBatchUpdate: 1, maxBatchFind: MAX_BATCH_FIND, lookups: spec.lookups, unsupportedFields: spec.unsupported, keepsExtraFields: false },
    isNativeId: isAttioId,
    linkTo,
    async doCreateMany([input], options) {
      const values = spec.values(input!)
      const result = await attempt(async () => {
        const record = values[spec.matching] === undefined ? await calls.create(values, options) : await calls.assert(spec.matching, values, options)
        return done(spec.from(record))
      })
      return [result]
    },
    async doUpdateMany([patch], options) {
      return [await attempt(() => update(spec, patch!, options))]
    },
    async doFind(by, keys, options) {
      if (keys.length === 0 || !spec.lookups.includes(by)) return []
      return (await calls.query(spec.filter(by, keys), options)).map(spec.from)
    },
  }
}

async function update<F>(spec: RecordKindSpec<F>, patch: RecordPatch<F>, options: CallOptions) {
  let held: NativeRecord<F> | undefined
  if (spec.needsHeld?.(patch.fields)) {
    const record = await spec.calls.get(patch.id, options)
    if (!record) return missing
    held = spec.from(record)
  }
  const record = await spec.calls.update(patch.id, spec.values(patch.fields, held), options)
  return record ? done(spec.from(record)) : missing
}
