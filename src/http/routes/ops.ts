import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'

/** Health, readiness and metrics: no API key (metrics may want their own token). */
const opsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const reason = app.gateway.health.notReady()
    // Degraded coordination is reported, not a reason to leave the pool: requests still succeed.
    const coordination = app.gateway.coordination?.state ?? 'local'
    if (reason) return reply.status(503).send({ status: 'not ready', reason, coordination })
    return { status: 'ready', configVersion: app.gateway.current.runtime.version, coordination }
  })

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const { token } = app.gateway.current.runtime.config.metrics
    if (token && !sameSecret(request.headers.authorization, `Bearer ${token}`)) {
      return reply.status(401).send({ statusCode: 401, error: 'Unauthorized', message: 'metrics need their bearer token', code: 'UNAUTHORIZED' })
    }
    const { registry } = app.gateway.metrics
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '')
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export default opsRoutes
