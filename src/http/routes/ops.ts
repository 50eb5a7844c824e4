import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { connectionReport } from '../../ops/connection-report.ts'
import { requireMetricsToken } from '../metrics-token.ts'
import { LiveAnswer, ReadyAnswer } from '../../contract/ops.ts'

/**
 * Liveness, readiness and metrics: no API key. The metrics token (`metrics.token`) guards
 * `/metrics` and is the only way to the per-connection detail of `/readyz`.
 */
const opsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { hide: true, response: { 200: LiveAnswer } } }, async () => ({ status: 'ok' as const }))

  // Whether this process can serve. It answers only once its config is loaded and it listens,
  // and while it closes Fastify answers 503 before any handler. A connection's CRM is not part of
  // it: a CRM refusing its token fails alike on every replica, and a load balancer dropping them
  // all would stop every tenant. Degraded coordination is reported, not a reason to leave the
  // pool either: requests still succeed, on each replica's share of the limits.
  app.get('/readyz', { schema: { hide: true, response: { 200: ReadyAnswer } } }, async (request) => {
    const { runtime } = app.gateway.current
    const answer = { status: 'ready' as const, configVersion: runtime.version, coordination: app.gateway.coordination?.state ?? 'local' }
    if (request.headers.authorization === undefined) return answer
    requireMetricsToken(app, request)
    return { ...answer, connections: connectionReport(runtime, app.gateway.health) }
  })

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // No token is allowed outside production, or with `metrics.public: true` (src/config/metrics-access.ts).
    if (app.gateway.current.runtime.config.metrics.token) requireMetricsToken(app, request)
    const { registry } = app.gateway.metrics
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}

export default opsRoutes
