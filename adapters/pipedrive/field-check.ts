import type { CallOptions, FieldMap } from '../../src/kit/spec.ts'
import { ConfigError } from '../../src/kit/utils.ts'
import type { FieldCatalog, FieldList } from './field-catalog.ts'

/** Custom field types Pipedrive's search reads (the v2 file, `/persons/search` `fields`). */
const SEARCHABLE = new Set(['address', 'varchar', 'text', 'varchar_auto', 'double', 'monetary', 'phone'])

/** The standard fields this adapter looks records up by, where the `fieldMap` puts them. */
const LOOKUPS: Record<keyof FieldMap, readonly string[]> = { contacts: ['linkedinUrl'], companies: ['domain', 'linkedinUrl'] }
const LISTS: Record<keyof FieldMap, { list: FieldList; singular: string }> = {
  contacts: { list: 'personFields', singular: 'person' },
  companies: { list: 'organizationFields', singular: 'organization' },
}

/**
 * `connections test` and the first readiness check: every key the connection's `fieldMap` names
 * must be a field of this account, and a field records are looked up by must be one search reads.
 * A key Pipedrive does not have would otherwise fail each write that uses it (Pipedrive answers
 * 400), or silently find nothing. Every problem is named in one error.
 */
export async function checkFieldMap(catalog: FieldCatalog, fieldMap: FieldMap, connection: string, options: CallOptions): Promise<void> {
  const problems: string[] = []
  for (const kind of ['contacts', 'companies'] as const) {
    const entries = Object.entries(fieldMap[kind])
    if (entries.length === 0) continue
    const { list, singular } = LISTS[kind]
    const fields = new Map((await catalog.fields(list, options, true)).map((field) => [field.key, field]))
    for (const [name, key] of entries) {
      const field = fields.get(key)
      if (!field) {
        problems.push(`fieldMap.${kind}.${name}: Pipedrive has no ${singular} field with the key "${key}" (the keys are in Settings → Data fields, or GET /api/v1/${list})`)
      } else if (LOOKUPS[kind].includes(name) && !SEARCHABLE.has(field.field_type)) {
        problems.push(
          `fieldMap.${kind}.${name}: the ${singular} field "${field.name}" (${key}) is of type ${field.field_type}, which Pipedrive's search cannot read; make it a text field`,
        )
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(`connections.${connection}`, problems.join('; '))
}
