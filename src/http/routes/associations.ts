import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AssociateAnswer, Associate } from '../schemas/associations.ts'
import { ERRORS } from '../schemas/common.ts'
import { callOptions, security } from './request-context.ts'

/** Links contacts to companies; a pair linked before is harmless. */
const associationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/associations',
    {
      schema: {
        operationId: 'associate',
        summary: 'Link contacts to companies, by their crmIds',
        body: Associate,
        response: { 200: AssociateAnswer, ...ERRORS },
        security,
      },
    },
    async (request) => request.services.associations.associate(request.tenant, request.body.associations, callOptions(request)),
  )
}

export default associationRoutes
