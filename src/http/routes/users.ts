import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { listUsers } from '../../service/user-service.ts'
import { ERRORS } from '../schemas/common.ts'
import { HealthAnswer, UserList } from '../schemas/users.ts'
import { callOptions, security } from './request-context.ts'

/** What Enginy calls when it connects: `/health` to check the key, `/users` for owner selection. */
const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'health',
        summary: "Check the connection: 200 when the key works, 401 when it is missing or wrong",
        response: { 200: HealthAnswer, ...ERRORS },
        security,
      },
    },
    async () => ({ status: 'ok' as const }),
  )
  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'The people records can be assigned to; 404 when the CRM connection cannot list them',
        response: { 200: UserList, ...ERRORS },
        security,
      },
    },
    async (request) => listUsers(request.tenant, callOptions(request)),
  )
}

export default userRoutes
