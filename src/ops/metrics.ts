import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { BreakerState } from '../upstream/circuit-breaker.ts'
import type { AttemptRecord } from '../upstream/client.ts'
import type { CoordinationState } from '../coordination/redis.ts'
import type { MirrorStatus } from '../mirror/mirror.ts'
import { RequestMetrics } from './request-metrics.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { type CheckResult, type HealthMonitor, activeConnections } from './health.ts'

const BREAKER: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 }

/**
 * The gateway's Prometheus metrics, in a registry of its own (so two gateways in one process,
 * as in tests, do not share counters).
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly requests = new RequestMetrics(this.registry)
  private readonly upstream = new Counter({
    name: 'gateway_upstream_calls_total',
    help: 'Attempts of CRM calls, by connection, route, outcome (status or error) and attempt number',
    labelNames: ['connection', 'route', 'outcome', 'attempt'] as const,
    registers: [this.registry],
  })
  private readonly retries = new Counter({
    name: 'gateway_upstream_retries_total',
    help: 'CRM call attempts that were retries',
    labelNames: ['connection'] as const,
    registers: [this.registry],
  })
  private readonly waits = new Histogram({
    name: 'gateway_rate_limit_wait_seconds',
    help: "Time CRM calls waited for the connection's rate limiter",
    labelNames: ['connection'] as const,
    buckets: [0, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  })
  /** Failed authentications and the requests throttled for them, by no label: an address would
   * be one series per client (`src/http/auth-failures.ts`). */
  readonly authentications = {
    failed: new Counter({
      name: 'gateway_auth_failures_total',
      help: 'Requests refused for a missing or unknown API key or metrics token',
      registers: [this.registry],
    }),
    throttled: new Counter({
      name: 'gateway_auth_throttled_total',
      help: 'Requests answered 429 before their key was checked: their address had failed to authenticate more often than auth.failures allows',
      registers: [this.registry],
    }),
  }
  readonly reloads = new Counter({
    name: 'gateway_config_reloads_total',
    help: 'Config reloads, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  })

  constructor(current: () => Runtime, coordination: () => CoordinationState, health: HealthMonitor) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' })
    new Gauge({
      name: 'gateway_circuit_breaker_state',
      help: 'Circuit breaker of each connection: 0 closed, 1 half-open, 2 open',
      labelNames: ['connection'] as const,
      registers: [this.registry],
      collect() {
        this.reset()
        for (const connection of current().connections.values()) {
          const worst = Math.max(0, ...connection.upstream.map((client) => BREAKER[client.breaker.state]))
          this.set({ connection: connection.name }, worst)
        }
      },
    })
    // Per connection, not per replica: this is where a tenant's CRM being down shows, for
    // alerting, since `/readyz` stays 200 for it.
    const lastCheck = (name: string, help: string, value: (last: CheckResult) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['connection'] as const,
        registers: [this.registry],
        collect() {
          this.reset()
          for (const connection of activeConnections(current())) {
            const last = health.lastCheck(connection)
            if (last) this.set({ connection: connection.name }, value(last))
          }
        },
      })
    lastCheck('gateway_connection_up', "Last check of each tenant's active connection: 1 passed, 0 failed; absent until checked", (last) =>
      last.ok ? 1 : 0,
    )
    lastCheck(
      'gateway_connection_last_check_timestamp_seconds',
      "When each tenant's active connection was last checked (by health.intervalMs or its GET /health)",
      (last) => last.at / 1000,
    )
    // Each connection's mirror, by kind (`src/mirror/`): read from its store when scraped, so a
    // replica that does not sweep shows what the sweeping one did.
    const mirrored = (name: string, help: string, value: (status: MirrorStatus) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['connection', 'kind'] as const,
        registers: [this.registry],
        async collect() {
          this.reset()
          for (const connection of current().connections.values()) {
            if (!connection.mirror) continue
            await connection.mirror.refresh().catch(() => {})
            for (const status of connection.mirror.status()) {
              const v = value(status)
              if (v !== undefined) this.set({ connection: connection.name, kind: status.kind }, v)
            }
          }
        },
      })
    mirrored('gateway_mirror_built', 'Whether the mirror of each connection and kind has completed its first build: 1 yes, 0 not yet', (s) => (s.built ? 1 : 0))
    mirrored('gateway_mirror_serving', 'Whether the mirror answers (built and fresh within maxStalenessMs): 1 yes, 0 calls go to the CRM', (s) => (s.serving ? 1 : 0))
    mirrored('gateway_mirror_age_seconds', 'Seconds since the last complete sweep of the mirror started (or a webhook came)', (s) =>
      s.freshAt === undefined ? undefined : (Date.now() - s.freshAt) / 1000,
    )
    mirrored('gateway_mirror_listed_records', "Records this replica's sweep under way (the first build's progress), or its last one, has listed", (s) => s.listed)
    mirrored('gateway_mirror_sweeps', 'Sweeps this replica completed since it started', (s) => s.sweeps)
    mirrored('gateway_mirror_sweep_failures', 'Sweeps of this replica that failed since it started (the next starts from the same watermark)', (s) => s.failures)
    new Gauge({
      name: 'gateway_coordination_state',
      help: 'Shared state of the replicas: 0 local (no Redis configured), 1 shared in Redis, 2 degraded (Redis unreachable)',
      registers: [this.registry],
      collect() {
        this.set({ local: 0, shared: 1, degraded: 2 }[coordination()])
      },
    })
    new Gauge({
      name: 'gateway_config_version',
      help: 'Version of the config in force: 1 at start, one more for each reload taken',
      registers: [this.registry],
      collect() {
        this.set(current().version)
      },
    })
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.observe(route, method, status, seconds)
  }

  observeAttempt = (record: AttemptRecord): void => {
    this.upstream.inc({
      connection: record.connection,
      route: record.route,
      outcome: String(record.outcome),
      attempt: String(record.attempt),
    })
    if (record.attempt > 0) this.retries.inc({ connection: record.connection })
    this.waits.observe({ connection: record.connection }, record.waitedMs / 1000)
  }
}
