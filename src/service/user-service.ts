import type { CallOptions } from '../kit/spec.ts'
import { UsersNotSupportedError } from '../errors.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { gatewayReference } from './references.ts'

export interface UserOut {
  id: string
  name: string
  email?: string
}

/**
 * `GET /users`: the active connection's people, with ids Enginy sends back as `ownerId`. A
 * connection that cannot list them answers 404, which Enginy reads as "owner selection off".
 */
export async function listUsers(tenant: Tenant, options: CallOptions): Promise<UserOut[]> {
  const connection = tenant.active
  const port = connection.adapter.users
  if (!port) throw new UsersNotSupportedError()
  const users = await connection.limit.run(options, () => port.doList(options))
  return users.map((user) => ({
    id: gatewayReference(connection, user.id),
    name: user.name,
    ...(user.email !== undefined && { email: user.email }),
  }))
}
