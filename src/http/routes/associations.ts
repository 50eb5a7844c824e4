import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AssociateAnswer, Associate } from '../../contract/associations.ts'
import { answer } from '../../contract/common.ts'
import { BODY, CRM_FAILED, KEYED, errorAnswers } from '../../contract/error-answers.ts'
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
        response: {
          200: answer(AssociateAnswer, 'The pairs linked (or linked before), and those that could not be'),
          ...errorAnswers(...KEYED, ...BODY, 'BATCH_TOO_LARGE', 'NOT_SUPPORTED', ...CRM_FAILED),
        },
        security,
      },
    },
    async (request) => request.services.associations.associate(request.tenant, request.body.associations, callOptions(request)),
  )
}

export default associationRoutes
