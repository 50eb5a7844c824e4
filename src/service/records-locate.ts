import type { RecordPort } from '../kit/spec.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { NotSupportedError } from '../errors.ts'
import { decodeId } from '../contract/ids.ts'

export type RecordKind = 'contacts' | 'companies'

export interface Located {
  readonly connection: Connection
  readonly nativeId: string
}

/**
 * The connection and native id an Enginy `crmId` names: a gateway id of one of the tenant's
 * connections, or a bare native id (as sent before the gateway had contacts), taken as the active
 * connection's. `undefined` when the id names a connection the tenant does not have (whether or
 * not another tenant has it), or has not the form of that connection's ids: such an id is not
 * found, and never reaches an adapter. A connection that does not serve the kind is a 501.
 */
export function locateRecord(tenant: Tenant, kind: RecordKind, id: string): Located | undefined {
  const decoded = decodeId(id)
  const named = decoded && tenant.connections.get(decoded.connection)
  if (decoded && !named) return undefined
  const connection = named ?? tenant.active
  const nativeId = named ? decoded!.nativeId : id
  const port: RecordPort<object> | undefined = connection.adapter[kind]
  if (!port) throw new NotSupportedError(kind, connection.name)
  return port.isNativeId(nativeId) ? { connection, nativeId } : undefined
}

/** Refuses, with a 501, a request for a kind of record none of the tenant's connections serves. */
export function servedByTenant(tenant: Tenant, kind: RecordKind | 'associations'): void {
  if (![...tenant.connections.values()].some((connection) => connection.adapter[kind])) throw new NotSupportedError(kind, tenant.active.name)
}
