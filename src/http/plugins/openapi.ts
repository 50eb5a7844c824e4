import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The OpenAPI 3 document, generated from the same TypeBox schemas that validate requests and
 * serialize responses, at `/openapi.json`, and a rendered page at `/docs`.
 */
async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Enginy CRM task gateway',
        description: "Enginy's task contract, served in front of a CRM. Every task route needs the X-API-Key header.",
        version: '1.0.0',
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

export default fp(openapi, { name: 'openapi', fastify: '5.x' })
