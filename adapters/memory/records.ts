import {
  type NativeRecord,
  type RecordInput,
  type RecordPort,
  done,
  fillLink,
  isRandomId,
  missing,
  normalize,
  randomId,
} from '../../src/kit/adapter-kit.ts'
import type { RecordStore } from './store.ts'

/**
 * Contacts or companies in `store`, with an index per lookup (keys normalized as the core's
 * matching rules say). Every field is kept, extra fields included, and an update merges into what
 * is there: a field left out stays.
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
        const record = { ...input, extra: { ...input.extra }, id: randomId(), createdAt: now() } as NativeRecord<F>
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
        Object.assign(record, known, { extra: { ...record.extra, ...extra } })
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

    ...(link && { linkTo: async (id: string) => fillLink(link, id) }),
  }
}
