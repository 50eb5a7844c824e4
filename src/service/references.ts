import { ReferenceElsewhereError } from '../errors.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { decodeId, encodeId } from './ids.ts'

export type ReferenceField = 'ownerId' | 'contactId' | 'companyId'

/**
 * The native id a reference names in `target`, the connection the record is written to. Enginy
 * sends back the ids the gateway gave it (`hubspot.501`); a bare native id (`501`), as sent before
 * the gateway had contacts, is taken as the target's own. An id of another of the tenant's
 * connections is refused with a 422 naming the field: linking it would link a stranger's record.
 */
export function nativeReference(tenant: Tenant, target: Connection, field: ReferenceField | string, value: string): string {
  const decoded = decodeId(value)
  if (!decoded || !tenant.connections.has(decoded.connection)) return value
  if (decoded.connection !== target.name) throw new ReferenceElsewhereError(field, decoded.connection, target.name)
  return decoded.nativeId
}

/** A native reference as the gateway hands it out: the id of `connection`'s record. One too long
 * for a gateway id is handed out as it is, which `nativeReference` takes back the same way. */
export function gatewayReference(connection: Connection, nativeId: string): string {
  return encodeId(connection.name, nativeId) ?? nativeId
}
