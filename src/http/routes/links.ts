import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { recordLink } from '../../service/link-service.ts'
import { errorAnswers } from '../schemas/error-answers.ts'
import { RequestCallOptions } from '../call-options.ts'

const Params = Type.Object({ crmId: Type.String({ minLength: 1, maxLength: 256, description: "the record's crmId", examples: ['hubspot.1001'] }) })
const Redirect = Type.Null({
  description: "The record's page in the CRM's own UI",
  headers: { location: { type: 'string', description: 'the page in the CRM', example: 'https://app.hubspot.com/contacts/123/record/0-1/1001' } },
})

/**
 * `contactLinkTemplate` and `companyLinkTemplate` for Enginy: `…/links/contacts/{{crmId}}`. A
 * browser opens them, so there is no API key here, and the answer is a redirect to the record in
 * the CRM's UI or a 404: nothing else, and nothing that tells whether the record exists.
 */
const linkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const kind of ['contacts', 'companies'] as const) {
    app.get(
      `/links/${kind}/:crmId`,
      {
        schema: {
          operationId: kind === 'contacts' ? 'contactLink' : 'companyLink',
          summary: `Redirect to the ${kind === 'contacts' ? 'contact' : 'company'} in the CRM's own UI (no API key)`,
          params: Params,
          response: { 302: Redirect, ...errorAnswers('BAD_REQUEST', 'LINK_NOT_FOUND', 'INTERNAL') },
        },
      },
      async (request, reply) => {
        const { runtime } = app.gateway.current
        const release = runtime.hold()
        try {
          const options = new RequestCallOptions(runtime.config.limits.requestTimeoutMs, () => {}, undefined, request.trace)
          return reply.redirect(await recordLink(runtime, kind, request.params.crmId, options), 302)
        } finally {
          release()
        }
      },
    )
  }
}

export default linkRoutes
