import type { NativeRecord, RecordInput, RecordPort } from '../../src/kit/spec.ts'
import { done, fillLink, isRandomId, missing, normalize, randomId } from '../../src/kit/utils.ts'
import type { RecordStore } from './store.ts'

/** Values HubSpot stores trimmed (`adapters/hubspot/record-mapping.ts`); it keeps their case. */
const TRIMMED = ['email', 'externalId'] as const

function trimmed<T extends object>(fields: T): T {
  const out = { ...fields } as Record<string, unknown>
  for (const field of TRIMMED) if (typeof out[field] === 'string') out[field] = (out[field] as string).trim()
  return out as T
}

/**
 * Contacts or companies in `store`, with an index per lookup (keys normalized as the core's
 * matching rules say). Every field is kept, extra fields included, and an update merges into what
 * is there: a field left out stays. An e-mail address and Enginy's id are kept trimmed, as HubSpot
 * keeps them, so a sync answers what a CRM would.
 */
export function memoryRecords<F extends object>(store: RecordStore<F>, maxBatch: number, now: () => number, link?: string): RecordPort<F> {
  const { records, index } = store
  const lookups = [...index.keys()]

  const keys = (record: NativeRecord<F>) =>
    lookups.flatMap((by) => {
      const value = (record as Record<string, unknown>)[by]
      const key = typeof value === 'string' ? normalize[by](value) : undefined
      return key === undefined ? [] : [[by, key] as const]
    })
  const indexed = (record: NativeRecord<F>, add: boolean) => {
    for (const [by, key] of keys(record)) {
      const ids = index.get(by)!
      if (add) ids.set(key, (ids.get(key) ?? new Set()).add(record.id))
      else ids.get(key)?.delete(record.id)
    }
  }
  const copy = (record: NativeRecord<F>): NativeRecord<F> => ({ ...record, extra: { ...record.extra } })

  return {
    capabilities: { maxBatchCreate: maxBatch, maxBatchUpdate: maxBatch, maxBatchFind: maxBatch, lookups, keepsExtraFields: true },
    isNativeId: isRandomId,

    async doCreateMany(inputs: readonly RecordInput<F>[]) {
      return inputs.map((input) => {
        const record = { ...trimmed(input), extra: { ...input.extra }, id: randomId(), createdAt: now() } as NativeRecord<F>
        records.set(record.id, record)
        indexed(record, true)
        return done(copy(record))
      })
    },

    async doUpdateMany(patches) {
      return patches.map(({ id, fields }) => {
        const record = records.get(id)
        if (!record) return missing
        indexed(record, false)
        const { extra, ...known } = fields
        Object.assign(record, trimmed(known), { extra: { ...record.extra, ...extra } })
        indexed(record, true)
        return done(copy(record))
      })
    },

    async doFind(by, wanted) {
      const ids = index.get(by)
      if (!ids) return []
      const found = new Set(wanted.flatMap((key) => [...(ids.get(key) ?? [])]))
      return [...found].map((id) => copy(records.get(id)!))
    },

    ...(link && { linkTo: (id: string) => fillLink(link, id) }),
  }
}
