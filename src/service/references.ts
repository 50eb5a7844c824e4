import type { CallOptions, ReferencedIds } from '../kit/spec.ts'
import { ReferenceElsewhereError, ReferenceNotFoundError, UpstreamRejectedError } from '../errors.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { decodeId, encodeId } from '../contract/ids.ts'

export type ReferenceField = 'ownerId' | 'contactId' | 'companyId'

/** What each reference field names: the kind of record, in the seam's and in a message's words. */
const NAMES: Readonly<Record<ReferenceField, { readonly kind: keyof ReferencedIds; readonly what: string }>> = {
  contactId: { kind: 'contacts', what: 'contact' },
  companyId: { kind: 'companies', what: 'company' },
  ownerId: { kind: 'owners', what: 'user' },
}

/**
 * The native id a reference names in `target`, the connection the record is written to. Enginy
 * sends back the ids the gateway gave it (`hubspot.501`); a bare native id (`501`), as sent before
 * the gateway had contacts, is taken as the target's own. Refused with a 422 naming the field:
 * - an id of another of the tenant's connections (`REFERENCE_ELSEWHERE`): linking it would link a
 *   stranger's record;
 * - an id of the gateway's form naming a connection the tenant does not have, whether or not the
 *   config has one of that name (`REFERENCE_NOT_FOUND`, the same answer either way: it tells nothing
 *   of other tenants' connections);
 * - a contact or company id not of the form of the target's ids (`REFERENCE_NOT_FOUND`), where the
 *   target serves that kind: it never reaches the CRM.
 */
export function nativeReference(tenant: Tenant, target: Connection, field: ReferenceField, value: string): string {
  const decoded = decodeId(value)
  if (decoded && decoded.connection !== target.name && tenant.connections.has(decoded.connection)) {
    throw new ReferenceElsewhereError(field, decoded.connection, target.name)
  }
  if (decoded && decoded.connection !== target.name) throw notFound(target, field)
  const nativeId = decoded ? decoded.nativeId : value
  const port = field === 'ownerId' ? undefined : target.adapter[NAMES[field].kind as 'contacts' | 'companies']
  if (port && !port.isNativeId(nativeId)) throw notFound(target, field)
  return nativeId
}

/** A reference of a write, in the native ids of the connection written to. */
export interface Reference {
  readonly field: ReferenceField
  readonly nativeId: string
}

/**
 * The references among `references` that `connection` shows do not exist, each as the error that
 * refuses it: one call of the adapter's `references` port for all of them, under the connection's
 * limit; none where the adapter declares no such port (its CRM refuses an unknown one itself).
 */
export async function missingReferences(
  connection: Connection,
  references: readonly Reference[],
  options: CallOptions,
): Promise<Map<Reference, ReferenceNotFoundError>> {
  const port = connection.adapter.references
  const missing = new Map<Reference, ReferenceNotFoundError>()
  if (!port || references.length === 0) return missing
  const wanted: Record<keyof ReferencedIds, string[]> = { contacts: [], companies: [], owners: [] }
  for (const { field, nativeId } of references) wanted[NAMES[field].kind].push(nativeId)
  const unique = (ids: string[]) => [...new Set(ids)]
  const answer = await connection.limit.run(options, () =>
    port.doFindMissing({ contacts: unique(wanted.contacts), companies: unique(wanted.companies), owners: unique(wanted.owners) }, options),
  )
  const absent = { contacts: new Set(answer.contacts), companies: new Set(answer.companies), owners: new Set(answer.owners) }
  for (const reference of references) {
    if (absent[NAMES[reference.field].kind].has(reference.nativeId)) missing.set(reference, notFound(connection, reference.field))
  }
  return missing
}

/** Refuses, with a 422 naming the field, a write of one record (a task, an activity) that names a
 * record `connection` shows does not exist. */
export async function refuseMissing(connection: Connection, input: Partial<Record<ReferenceField, string>>, options: CallOptions): Promise<void> {
  const references = (Object.keys(NAMES) as ReferenceField[]).flatMap((field) => {
    const nativeId = input[field]
    return nativeId === undefined ? [] : [{ field, nativeId }]
  })
  const [first] = (await missingReferences(connection, references, options)).values()
  if (first) throw first
}

/**
 * A CRM's refusal of a write that names the write's references, where the CRM checks them itself
 * (HubSpot: `contacts 799 does not exist`, Pipedrive: `Person 99 not found`): the same 422, its
 * message led by the fields whose ids the CRM's reason names. Any other error as it is.
 */
export function namingReferences(error: unknown, input: Partial<Record<ReferenceField, string>>): unknown {
  if (!(error instanceof UpstreamRejectedError)) return error
  const words = new Set(error.message.split(/[^A-Za-z0-9_-]+/))
  const named = (Object.keys(NAMES) as ReferenceField[]).filter((field) => input[field] !== undefined && words.has(input[field]))
  if (named.length === 0) return error
  return new UpstreamRejectedError(`${named.map((field) => `body/${field}`).join(', ')}: ${error.message}`, { cause: error })
}

/** A native reference as the gateway hands it out: the id of `connection`'s record. One too long
 * for a gateway id is handed out as it is, which `nativeReference` takes back the same way. */
export function gatewayReference(connection: Connection, nativeId: string): string {
  return encodeId(connection.name, nativeId) ?? nativeId
}

function notFound(connection: Connection, field: ReferenceField): ReferenceNotFoundError {
  return new ReferenceNotFoundError(field, NAMES[field].what, connection.name)
}
