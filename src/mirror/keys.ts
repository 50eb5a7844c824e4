import type { Lookup } from '../kit/spec.ts'
import { COMPANY_LOOKUPS, CONTACT_LOOKUPS, keyOf } from '../service/matching.ts'
import type { Mirrored, MirrorKind } from './store.ts'

/** The lookups a mirrored kind is indexed by: matching's rules (tasks are read by id only). */
export const INDEXED: Readonly<Record<MirrorKind, readonly Lookup[]>> = { tasks: [], contacts: CONTACT_LOOKUPS, companies: COMPANY_LOOKUPS }

/** A record's keys in the index: each lookup it has a value for, normalized as matching compares it. */
export function indexKeys(kind: MirrorKind, record: Mirrored): { by: Lookup; key: string }[] {
  return INDEXED[kind].flatMap((by) => {
    const key = keyOf(record, by)
    return key === undefined ? [] : [{ by, key }]
  })
}
