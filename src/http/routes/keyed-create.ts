import type { FastifyRequest } from 'fastify'
import type { CallOptions } from '../../kit/spec.ts'
import { withWrites } from '../../idempotency/attempt-log.ts'
import type { KeyedCreate } from '../../idempotency/idempotency.ts'
import type { TaskCreate } from '../../contract/tasks.ts'

/** What `Idempotency` may do for one `POST /tasks` with a key: create, look up, read, for the
 * request's tenant and body, under its deadline. */
export function keyedCreate(request: FastifyRequest, body: TaskCreate, options: CallOptions): KeyedCreate {
  const { tenant, services } = request
  return {
    connection: tenant.active.name,
    create: (writes) => services.tasks.create(tenant, body, withWrites(options, writes)),
    find: (connection, createdAfter) => services.tasks.findCreated(tenant, connection, body, createdAfter, options),
    read: (id) => services.tasks.get(tenant, id, options),
  }
}
