import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema } from 'fastify'
import fp from 'fastify-plugin'
import pkg from '../../../package.json' with { type: 'json' }
import { inForce } from '../openapi-in-force.ts'

const DESCRIPTION = `Enginy's custom-CRM interface, served in front of the customer's CRM (docs/contract.md is the contract).

- **Key**: every route but the record links wants the API key, in the header shown under Authorize. A record link, which a browser opens, carries the tenant's link token in its path instead: \`https://<gateway>/links/<link token>/contacts/{{crmId}}\` and \`…/companies/{{crmId}}\` are Enginy's link templates.
- **Dates**: ISO 8601 date or date-time; returned in UTC, to the second (\`2024-01-15T10:00:00Z\`).
- **Errors**: \`{statusCode, error, message, code}\`; the message names the field, \`code\` is one of the error table's. Each route lists the codes it may answer.
- **Batches**: at most \`limits.maxBatchIds\` ids and \`limits.maxBatchRecords\` records (\`maxItems\` shows the limits in force), contacts exports at most 100.`

const TITLE = 'Enginy CRM gateway'

/**
 * One tag per kind of route, by the path's first segment: a route added under a known prefix is
 * tagged by where it is registered, whatever its path goes on with.
 */
const TAGS = [
  { name: 'contacts', prefix: 'contacts', description: 'Export contacts, find the ones the CRM holds (sync), update them' },
  { name: 'companies', prefix: 'companies', description: 'Export companies, find the ones the CRM holds (sync), update them' },
  { name: 'associations', prefix: 'associations', description: 'Link contacts to their companies' },
  { name: 'activities', prefix: 'activities', description: "Log a campaign's messages on the records they went to, once per message" },
  { name: 'tasks', prefix: 'tasks', description: 'Create, read, update and complete tasks, one at a time or in batches' },
  { name: 'users', prefix: 'users', description: 'The people records can be assigned to (404: owner selection off)' },
  { name: 'links', prefix: 'links', description: "Redirects to a record's page in the CRM's own UI, for a browser: no API key" },
  { name: 'operations', prefix: 'health', description: "Enginy's check of the key and of the tenant's CRM" },
  { name: 'webhooks', prefix: 'webhooks', description: "A CRM's events for a connection's mirror: HTTP Basic, the credentials of its subscription; no API key" },
] as const

function tagged({ schema, url }: { schema: FastifySchema | undefined; url: string }): { schema: FastifySchema; url: string } {
  const prefix = url.split('/')[1]
  const tag = TAGS.find((candidate) => candidate.prefix === prefix)
  return { schema: tag && schema ? { ...schema, tags: [tag.name] } : (schema ?? {}), url }
}

/**
 * The OpenAPI 3 document, generated from the same TypeBox schemas that validate requests and
 * serialize responses, at `/openapi.json`, and a rendered page at `/docs`; both as the config in
 * force says (`openapi-in-force.ts`).
 */
async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: TITLE, description: DESCRIPTION, version: pkg.version },
      tags: TAGS.map(({ name, description }) => ({ name, description })),
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
    },
    transform: tagged,
  })
  // Written once per config in force: the page has no key, and a copy costs some 20 ms.
  let last: { config: object; document: object } | undefined
  const served = () => {
    const { config } = app.gateway.current.runtime
    if (last?.config !== config) last = { config, document: inForce(app.swagger(), config) }
    return last.document
  }
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    theme: { title: TITLE },
    transformSpecification: served,
    transformSpecificationClone: false,
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => served())
}

export default fp(openapi, { name: 'openapi', fastify: '5.x' })
