import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { STATUS_PAGE_HEADERS, renderStatusPage } from '../../ops/status-page.ts'
import { statusReport } from '../../ops/status-report.ts'
import { requireMetricsToken } from '../metrics-token.ts'

/** Only `tenant` is read: any other parameter, a `token` included, is dropped unread. */
const StatusQuery = Type.Object({ tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) })

/**
 * The status page for support staff: each tenant's connections, their checks, rate limits and
 * daily budgets. It names tenants, so the metrics token guards it whenever one is set, even with
 * `metrics.public: true`; a browser sends the token as HTTP Basic's password (it asks for it on
 * the 401's `WWW-Authenticate: Basic`), a tool as `Bearer`; never in the URL. Without a token it
 * is served as `/metrics` is, which only a config outside production or with `metrics.public`
 * allows (`src/config/metrics-access.ts`).
 */
const statusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/status', { schema: { hide: true, querystring: StatusQuery } }, async (request, reply) => {
    const { gateway } = app
    const { runtime } = gateway.current
    const { token } = runtime.config.metrics
    if (token) requireMetricsToken(app, request, true, 'Basic realm="enginy-gateway status", charset="UTF-8"')
    const { tenant } = request.query
    // What each mirror's store says now: another replica may have swept it since this one looked.
    await Promise.all([...runtime.connections.values()].map((connection) => connection.mirror?.refresh().catch(() => {})))
    const report = statusReport(
      { runtime, health: gateway.health, history: gateway.history, coordination: gateway.coordination?.state ?? 'local' },
      tenant,
    )
    return reply
      .code(report.unknown === undefined ? 200 : 404)
      .headers(STATUS_PAGE_HEADERS)
      .send(renderStatusPage(report, tenant))
  })
}

export default statusRoutes
