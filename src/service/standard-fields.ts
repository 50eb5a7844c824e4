import type { FieldMap } from '../kit/spec.ts'
import { COMPANIES, CONTACTS, type RecordSpec } from './record-fields.ts'

type Kind = 'contacts' | 'companies'

const standardOf = (spec: RecordSpec<object>) => new Set<string>([...spec.strings, ...spec.numbers, ...Object.keys(spec.aliases), 'ownerId'])
const STANDARD: Readonly<Record<Kind, ReadonlySet<string>>> = {
  contacts: standardOf(CONTACTS as RecordSpec<object>),
  companies: standardOf(COMPANIES as RecordSpec<object>),
}

/** Whether `name` is a standard field of `kind`, which the core hands an adapter as a field of
 * the record, never among its extra fields, even when `fieldMap` names it. */
export function isStandardField(kind: Kind, name: string): boolean {
  return STANDARD[kind].has(name)
}

/** The CRM keys `fieldMap` gives Enginy's extra fields of `kind` (every entry but the standard
 * fields'), each once: what an adapter writes and reads back as extras. */
export function extraFieldKeys(fieldMap: FieldMap, kind: Kind): string[] {
  return [...new Set(Object.entries(fieldMap[kind]).flatMap(([name, key]) => (isStandardField(kind, name) ? [] : [key])))]
}
