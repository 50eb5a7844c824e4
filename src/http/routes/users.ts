import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { listUsers } from '../../service/user-service.ts'
import { answer } from '../../contract/common.ts'
import { CRM_FAILED, KEYED, errorAnswers } from '../../contract/error-answers.ts'
import { HealthAnswer, UserList } from '../../contract/users.ts'
import { callOptions, security } from './request-context.ts'

/** What Enginy calls when it connects: `/health` to check the key and the CRM, `/users` for owner selection. */
const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'health',
        summary: "Check the connection: 200 when the key works and the tenant's CRM answers, 401 when the key is missing or wrong, 502/503 when the CRM refuses the gateway or is down",
        response: { 200: answer(HealthAnswer, "The key works and the tenant's CRM answers"), ...errorAnswers(...KEYED, ...CRM_FAILED) },
        security,
      },
    },
    // Enginy calls this when a connection is made and from time to time after: a CRM that
    // refuses the gateway's token must show here, to the customer who can fix it, rather than
    // only in the first export that fails.
    async (request) => {
      const { error } = await app.gateway.health.confirm(request.tenant.active)
      if (error) throw error
      return { status: 'ok' as const }
    },
  )
  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'The people records can be assigned to; 404 when the CRM connection cannot list them',
        response: {
          200: answer(UserList, 'The people records can be assigned to'),
          ...errorAnswers(...KEYED, 'USERS_NOT_SUPPORTED', 'UPSTREAM_REJECTED', ...CRM_FAILED),
        },
        security,
      },
    },
    async (request) => listUsers(request.tenant, callOptions(request)),
  )
}

export default userRoutes
