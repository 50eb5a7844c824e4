import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ActivityCreate, ActivityOut } from '../../contract/activities.ts'
import { answer } from '../../contract/common.ts'
import { BODY, CRM_FAILED, KEYED, errorAnswers } from '../../contract/error-answers.ts'
import { callOptions, security } from './request-context.ts'

/** One campaign message as a CRM activity: 201 when logged, 200 when it had been logged before. */
const activityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/activities',
    {
      schema: {
        operationId: 'logActivity',
        summary: 'Log one message, e-mail, InMail or connection request; a repeated metadata.messageId is logged once',
        body: ActivityCreate,
        response: {
          200: answer(ActivityOut, 'The activity logged before for this metadata.messageId: nothing new was logged'),
          201: answer(ActivityOut, 'The activity, logged'),
          ...errorAnswers(...KEYED, ...BODY, 'REFERENCE_ELSEWHERE', 'REFERENCE_NOT_FOUND', 'UPSTREAM_REJECTED', 'NOT_SUPPORTED', 'ACTIVITY_IN_DOUBT', ...CRM_FAILED),
        },
        security,
      },
    },
    async (request, reply) => {
      const { activity, created } = await request.services.activities.log(request.tenant, request.body, callOptions(request))
      return reply.status(created ? 201 : 200).send(activity)
    },
  )
}

export default activityRoutes
