import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { recordLink } from '../../service/link-service.ts'
import { errorAnswers } from '../../contract/error-answers.ts'

// No length or pattern here: a malformed token or id must get the same 404 as any other, not a 400.
const Params = Type.Object({
  token: Type.String({
    description:
      "the tenant's link token (`linkTokens` in the config), the capability that lets a browser without the API key open the tenant's links; a link under another token is a 404",
    examples: ['YOUR-LINK-TOKEN'],
  }),
  crmId: Type.String({ description: "the record's crmId, as Enginy fills it into the template (`{{crmId}}`)", examples: ['hubspot.1001'] }),
})
const Redirect = Type.Null({
  description: "The record's page in the CRM's own UI",
  headers: { location: { type: 'string', description: 'the page in the CRM', example: 'https://app.hubspot.com/contacts/123/record/0-1/1001' } },
})

/**
 * `contactLinkTemplate` and `companyLinkTemplate` for Enginy: `…/links/<link token>/contacts/{{crmId}}`.
 * A browser opens them, so there is no API key here; the answer is a redirect to the record in
 * the CRM's UI or the one 404, and it makes no CRM call (`recordLink`).
 */
const linkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const kind of ['contacts', 'companies'] as const) {
    const one = kind === 'contacts' ? 'contact' : 'company'
    app.get(
      `/links/:token/${kind}/:crmId`,
      {
        schema: {
          operationId: `${one}Link`,
          summary: `Redirect to the ${one} in the CRM's own UI (no API key: the link token in the path)`,
          description: `Enginy's \`${one}LinkTemplate\`: \`https://<gateway>/links/<link token>/${kind}/{{crmId}}\`. Never calls the CRM; an unknown token, an id of another tenant, a malformed id and a link the gateway cannot build yet all get the same 404.`,
          params: Params,
          response: { 302: Redirect, ...errorAnswers('LINK_NOT_FOUND', 'INTERNAL') },
        },
      },
      (request, reply) => {
        const { token, crmId } = request.params
        reply.redirect(recordLink(app.gateway.current.runtime, token, kind, crmId), 302)
      },
    )
  }
}

export default linkRoutes
