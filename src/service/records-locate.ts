import type { RecordPort } from '../adapter/records.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { decodeId } from './ids.ts'

export type RecordKind = 'contacts' | 'companies'

export interface Located {
  readonly connection: Connection
  readonly nativeId: string
}

/**
 * The connection and native id an Enginy `crmId` names: a gateway id of one of the tenant's
 * connections, or a bare native id (as sent before the gateway had contacts), taken as the active
 * connection's. `undefined` when that connection does not serve the kind or the id has not the
 * form of its ids: such an id is not found, and never reaches an adapter.
 */
export function locateRecord(tenant: Tenant, kind: RecordKind, id: string): Located | undefined {
  const decoded = decodeId(id)
  const named = decoded && tenant.connections.get(decoded.connection)
  const connection = named ?? tenant.active
  const nativeId = named ? decoded!.nativeId : id
  const port: RecordPort<object> | undefined = connection.adapter[kind]
  return port?.isNativeId(nativeId) ? { connection, nativeId } : undefined
}
