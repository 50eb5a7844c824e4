import type { Logger } from 'pino'
import { UpstreamRateLimitedError } from '../errors.ts'
import type { Runtime } from '../runtime/runtime.ts'

export interface CheckResult {
  readonly ok: boolean
  readonly at: number
  readonly reason?: string
}

/**
 * Checks each tenant's active connection with one cheap authenticated read (`doCheck`), at
 * start, after each config swap and every `health.intervalMs`. `/readyz` reads the last results,
 * and the circuit breakers: a connection whose breaker is open is not ready either way.
 */
export class HealthMonitor {
  private results = new Map<string, CheckResult>()
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = false

  constructor(
    private readonly current: () => Runtime,
    private readonly logger: Logger,
  ) {}

  /** Checks now, and every interval from now on; called at start and after each config swap. */
  start(): void {
    void this.checkNow()
    if (this.enabled() && !this.timer) this.schedule()
  }

  private enabled(): boolean {
    return this.current().config.health.intervalMs > 0
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Why the gateway is not ready, or `undefined` when every active connection answered. */
  notReady(): string | undefined {
    const runtime = this.current()
    const checked = this.enabled()
    for (const name of activeConnections(runtime)) {
      const open = runtime.connections.get(name)!.upstream.some((client) => client.breaker.state === 'open')
      if (open) return `connection "${name}" has its circuit breaker open after repeated failures`
      if (!checked) continue
      const result = this.results.get(name)
      if (!result) return `connection "${name}" has not been checked yet`
      if (!result.ok) return `connection "${name}" failed its last check: ${result.reason}`
    }
    return undefined
  }

  checkNow(): Promise<void> {
    if (!this.enabled()) return Promise.resolve()
    this.running ??= this.run().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      void this.checkNow().finally(() => this.schedule())
    }, Math.max(this.current().config.health.intervalMs, 100))
    this.timer.unref()
  }

  private async run(): Promise<void> {
    const runtime = this.current()
    const { timeoutMs } = runtime.config.health
    const next = new Map<string, CheckResult>()
    await Promise.all(
      activeConnections(runtime).map(async (name) => {
        const connection = runtime.connections.get(name)!
        try {
          await connection.adapter.doCheck?.({
            signal: AbortSignal.timeout(timeoutMs),
            deadline: Date.now() + timeoutMs,
            warn: () => {},
            probe: true,
          })
          next.set(name, { ok: true, at: Date.now() })
        } catch (error) {
          // A rate limit, the CRM's or our own, says the CRM is there and busy: every replica
          // shares it, so leaving the pool would help nobody. Requests get their honest 503.
          if (error instanceof UpstreamRateLimitedError) {
            next.set(name, { ok: true, at: Date.now() })
            return
          }
          const reason = (error as Error).message
          next.set(name, { ok: false, at: Date.now(), reason })
          if (this.results.get(name)?.ok !== false) this.logger.warn({ connection: name, reason }, 'connection check failed')
        }
      }),
    )
    this.results = next
  }
}

function activeConnections(runtime: Runtime): string[] {
  return [...new Set(runtime.tenants.map((tenant) => tenant.active.name))]
}
