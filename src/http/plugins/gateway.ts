import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { GatewayConfig } from '../../config/types.ts'
import { refuseReload } from '../../config/reload-refusals.ts'
import { Idempotency } from '../../idempotency/idempotency.ts'
import { Coordination } from '../../coordination/redis.ts'
import { SharedLimiter } from '../../coordination/shared-limiter.ts'
import { CallHistory } from '../../ops/call-history.ts'
import { HealthMonitor } from '../../ops/health.ts'
import { Metrics } from '../../ops/metrics.ts'
import { type Runtime, type RuntimeOptions, buildRuntime } from '../../runtime/runtime.ts'
import { Remembered } from '../../coordination/remembered.ts'
import { type Services, buildServices } from '../../service/services.ts'
import { AuthFailures } from '../auth-failures.ts'

/** A config in force: its runtime and the services built on it. */
export interface InForce {
  readonly runtime: Runtime
  readonly services: Services
}

/**
 * Holds the runtime in force. Requests read `current` once, when they start; `apply` builds the
 * runtime of a new config (reusing unchanged connections), puts it in force at once, and closes
 * what the old one does not share only after the requests holding it have ended.
 */
export class Gateway {
  /** What requests read, replaced whole on reload; one object, not one per request. */
  private inForce!: InForce
  readonly metrics: Metrics
  readonly health: HealthMonitor
  /** Each connection's last 24 hours of CRM calls, for the status page. */
  readonly history = new CallHistory()
  /** Shared state of the replicas, when config has `coordination.redis` at start. */
  readonly coordination: Coordination | undefined
  readonly idempotency: Idempotency
  /** Failed authentications by client address: kept across reloads, which change only the budget. */
  readonly authFailures: AuthFailures
  /** Message ids of the activities logged, for adapters that cannot find them again. */
  private readonly remembered: Remembered

  /** The gateway of `config`, its runtime built. */
  static async open(config: GatewayConfig, options: RuntimeOptions): Promise<Gateway> {
    const gateway = new Gateway(config, options)
    gateway.inForce = { runtime: await buildRuntime(config, gateway.options), services: buildServices(config, gateway.remembered) }
    gateway.inForce.runtime.learnLinks()
    startMirrors(gateway.inForce.runtime)
    return gateway
  }

  private constructor(
    config: GatewayConfig,
    private readonly options: RuntimeOptions,
  ) {
    const redis = config.coordination?.redis
    const coordination = redis && new Coordination(redis.url, redis.prefix, redis.replicas, options.logger)
    this.coordination = coordination
    this.idempotency = new Idempotency(coordination)
    this.remembered = new Remembered(coordination)
    this.health = new HealthMonitor(() => this.inForce.runtime, options.logger)
    this.metrics = new Metrics(() => this.inForce.runtime, () => coordination?.state ?? 'local', this.health)
    this.authFailures = new AuthFailures(this.metrics.authentications)
    this.options = {
      ...options,
      observer: (record) => {
        this.metrics.observeAttempt(record)
        this.history.observe(record)
      },
      ...(coordination && { coordination, limiter: (connection, limit, cap, group) => new SharedLimiter(coordination, connection, limit, cap, group) }),
    }
  }

  get current(): InForce {
    return this.inForce
  }

  /** Puts `config` in force, or throws (a `ConfigError` naming why) and leaves the config in force as it is. */
  async apply(config: GatewayConfig): Promise<Runtime> {
    const previous = this.inForce.runtime
    refuseReload(previous.config, config)
    const next = await buildRuntime(config, this.options, previous)
    this.inForce = { runtime: next, services: buildServices(config, this.remembered) }
    next.learnLinks()
    startMirrors(next)
    // `close` logs a connection that fails to close and never rejects: nothing awaits this.
    void previous.drained().then(() => previous.close(next))
    this.health.start()
    return next
  }

  async close(): Promise<void> {
    this.health.stop()
    await this.inForce.runtime.drained()
    await this.inForce.runtime.close()
    await this.coordination?.close()
  }
}

/** Mirrors sweep only in a serving gateway (a `config check` opens connections too); a reused
 * connection's mirror goes on as it was. */
function startMirrors(runtime: Runtime): void {
  for (const connection of runtime.connections.values()) connection.mirror?.start()
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway
  }
}

async function gatewayPlugin(app: FastifyInstance, options: { config: GatewayConfig; runtime: RuntimeOptions }) {
  const gateway = await Gateway.open(options.config, options.runtime)
  app.decorate('gateway', gateway)
  gateway.health.start()
  app.addHook('onClose', () => gateway.close())
  app.addHook('onResponse', (request, reply, done) => {
    gateway.metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
}

export default fp(gatewayPlugin, { name: 'gateway', fastify: '5.x' })
