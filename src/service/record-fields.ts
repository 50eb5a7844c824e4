import type { CallOptions, CompanyFields, ContactFields, Lookup, NativeRecord, RecordInput, RecordPort } from '../kit/spec.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { COMPANY_LOOKUPS, COMPANY_UNIQUE, CONTACT_LOOKUPS, CONTACT_UNIQUE } from './matching.ts'
import type { RecordKind } from './records-locate.ts'
import { nativeReference } from './references.ts'

/** What the core knows of a kind of record: its standard fields and how it is matched. */
export interface RecordSpec<F> {
  readonly kind: RecordKind
  readonly singular: string
  readonly strings: readonly (keyof F & string)[]
  readonly numbers: readonly (keyof F & string)[]
  /** Other names Enginy uses for a standard field. */
  readonly aliases: Readonly<Record<string, keyof F & string>>
  /** Sync's order of lookups. */
  readonly lookups: readonly Lookup[]
  /** The lookups a create never makes a second record for. */
  readonly unique: readonly Lookup[]
}

export const CONTACTS: RecordSpec<ContactFields> = {
  kind: 'contacts',
  singular: 'contact',
  strings: ['externalId', 'email', 'firstName', 'lastName', 'phone', 'company', 'title', 'linkedinUrl'],
  numbers: [],
  aliases: {},
  lookups: CONTACT_LOOKUPS,
  unique: CONTACT_UNIQUE,
}

export const COMPANIES: RecordSpec<CompanyFields> = {
  kind: 'companies',
  singular: 'company',
  strings: ['externalId', 'name', 'domain', 'industry', 'linkedinUrl'],
  numbers: ['numberOfEmployees'],
  // Enginy's create page calls the headcount numberOfEmployees, its sync page employeeCount.
  aliases: { employeeCount: 'numberOfEmployees' },
  lookups: COMPANY_LOOKUPS,
  unique: COMPANY_UNIQUE,
}

/** Fields Enginy sends that are about the request, not the record. */
const NOT_FIELDS = new Set(['crmId'])

/**
 * One record of a request in the adapter's terms. Standard fields are typed (a `null` is taken as
 * not sent: the gateway never clears a CRM field on Enginy's say-so), `ownerId` is decoded to the
 * CRM's owner, and every other field goes through the connection's `fieldMap`. A field with no
 * entry is kept by an adapter that `keepsExtraFields` and dropped otherwise; a field the CRM does
 * not have is dropped. Each dropped field is named once per request in `dropped`.
 */
export function toRecordInput<F extends object>(
  spec: RecordSpec<F>,
  body: Readonly<Record<string, unknown>>,
  tenant: Tenant,
  connection: Connection,
  port: RecordPort<F>,
  dropped: Set<string>,
): RecordInput<F> {
  const input: Record<string, unknown> = {}
  const extra: Record<string, unknown> = {}
  const map = connection.core.fieldMap[spec.kind]
  const unsupported = new Set<string>(port.capabilities.unsupportedFields ?? [])
  for (const [name, value] of Object.entries(body)) {
    if (value === null || value === undefined || NOT_FIELDS.has(name)) continue
    const field = (Object.hasOwn(spec.aliases, name) ? spec.aliases[name] : name) as string
    if (unsupported.has(field)) {
      dropped.add(field)
    } else if ((spec.strings as readonly string[]).includes(field)) {
      input[field] = value
    } else if ((spec.numbers as readonly string[]).includes(field)) {
      input[field] = Number(value)
    } else if (field === 'ownerId') {
      input.ownerId = nativeReference(tenant, connection, 'ownerId', value as string)
    } else if (Object.hasOwn(map, field)) {
      extra[map[field]!] = value
    } else if (port.capabilities.keepsExtraFields) {
      extra[field] = value
    } else {
      dropped.add(field)
    }
  }
  if (Object.keys(extra).length > 0) input.extra = extra
  return input as RecordInput<F>
}

/** Names the fields `toRecordInput` dropped, once per request. */
export function warnDropped(
  dropped: ReadonlySet<string>,
  spec: Pick<RecordSpec<object>, 'kind' | 'singular'>,
  connection: Connection,
  options: CallOptions,
): void {
  for (const field of dropped) {
    options.warn({
      type: 'unsupported',
      field,
      message: `the CRM of connection "${connection.name}" has no ${spec.singular} field for "${field}" (add it to fieldMap.${spec.kind}); it is not stored`,
    })
  }
}

/** A record's values as Enginy names them, for sync's `properties`: standard fields, and extra
 * fields under their Enginy names (the `fieldMap` read backwards). */
export function toProperties<F extends object>(spec: RecordSpec<F>, record: NativeRecord<F>, connection: Connection): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const field of [...spec.strings, ...spec.numbers]) {
    const value = (record as Record<string, unknown>)[field]
    if (value !== undefined && field !== 'externalId') properties[field] = value
  }
  const reverse = new Map(Object.entries(connection.core.fieldMap[spec.kind]).map(([enginy, crm]) => [crm, enginy]))
  for (const [name, value] of Object.entries(record.extra ?? {})) properties[reverse.get(name) ?? name] = value
  return properties
}
