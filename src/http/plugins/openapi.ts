import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import pkg from '../../../package.json' with { type: 'json' }
import { inForce } from '../openapi-in-force.ts'

const DESCRIPTION = `Enginy's custom-CRM interface, served in front of the customer's CRM (docs/contract.md is the contract).

- **Key**: every route but the record links wants the API key, in the header shown under Authorize. A record link, which a browser opens, carries the tenant's link token in its path instead: \`https://<gateway>/links/<link token>/contacts/{{crmId}}\` and \`…/companies/{{crmId}}\` are Enginy's link templates.
- **Dates**: ISO 8601 date or date-time; returned in UTC, to the second (\`2024-01-15T10:00:00Z\`).
- **Errors**: \`{statusCode, error, message, code}\`; the message names the field, \`code\` is one of the error table's. Each route lists the codes it may answer.
- **Batches**: at most \`limits.maxBatchIds\` ids and \`limits.maxBatchRecords\` records (\`maxItems\` shows the limits in force), contacts exports at most 100.`

/**
 * The OpenAPI 3 document, generated from the same TypeBox schemas that validate requests and
 * serialize responses, at `/openapi.json`, and a rendered page at `/docs`; both as the config in
 * force says (`openapi-in-force.ts`).
 */
async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Enginy CRM gateway', description: DESCRIPTION, version: pkg.version },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
    },
  })
  // Written once per config in force: the page has no key, and a copy costs some 20 ms.
  let last: { config: object; document: object } | undefined
  const served = () => {
    const { config } = app.gateway.current.runtime
    if (last?.config !== config) last = { config, document: inForce(app.swagger(), config) }
    return last.document
  }
  await app.register(swaggerUi, { routePrefix: '/docs', transformSpecification: served, transformSpecificationClone: false })
  app.get('/openapi.json', { schema: { hide: true } }, async () => served())
}

export default fp(openapi, { name: 'openapi', fastify: '5.x' })
