import type { Problems } from './problems.ts'
import type { GatewayConfigFile } from './schema.ts'

/**
 * Production's rule for `/metrics`, which names every tenant's connections and counts their calls:
 * it wants `metrics.token`, unless the config says that anyone who can reach the port may read
 * them (`metrics.public: true`, behind a network policy, say). Without either a start is refused,
 * and so is a reload: a file that drops the token must not open the metrics to everyone.
 */
export function checkMetricsAccess(metrics: GatewayConfigFile['metrics'], env: NodeJS.ProcessEnv, problems: Problems): void {
  if (env.NODE_ENV !== 'production' || metrics.token || metrics.public) return
  problems.add(
    'metrics.token',
    "is not set: in production /metrics (every tenant's connections and call counts) needs a bearer token; set metrics.token (config/default.yaml reads GATEWAY_METRICS_TOKEN), or metrics.public: true to serve it to anyone who can reach the port",
  )
}
