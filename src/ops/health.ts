import type { Logger } from 'pino'
import { UpstreamRateLimitedError } from '../errors.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Runtime } from '../runtime/runtime.ts'

export interface CheckResult {
  readonly ok: boolean
  readonly at: number
  /** Why the check failed: the error its CRM call threw, as a request would have seen it. */
  readonly error?: Error
}

/**
 * Checks each tenant's active connection with one cheap authenticated read (`doCheck`), at
 * start, after each config swap and every `health.intervalMs`. The results are per connection and
 * go to `/metrics`, to the authenticated `/readyz` detail and to each tenant's `GET /health`: never
 * to the process's readiness, since one tenant's CRM refusing its token fails the same way on
 * every replica, and taking them all out of the pool would stop every tenant.
 */
export class HealthMonitor {
  /** By connection object, not name: a reload that changes a connection's token makes a new one,
   * and the old one's verdict must not answer for it. */
  private readonly results = new WeakMap<Connection, CheckResult>()
  private readonly checking = new Map<Connection, Promise<CheckResult>>()
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

  /** The last check of `connection`, by the timer or by a tenant's `GET /health`. */
  lastCheck(connection: Connection): CheckResult | undefined {
    return this.results.get(connection)
  }

  /**
   * The state of `connection` for its tenant's `GET /health`. A pass of the periodic checks is
   * trusted until the next one; a failure, or no check at all (`intervalMs: 0`), is checked now,
   * because a customer who fixed a token must see it pass at once. An open breaker answers that
   * check without calling the CRM, so a CRM that is down is not called more for it.
   */
  async confirm(connection: Connection): Promise<CheckResult> {
    const last = this.results.get(connection)
    if (last?.ok && this.enabled()) return last
    return this.check(connection)
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
    await Promise.all(activeConnections(this.current()).map((connection) => this.check(connection)))
  }

  /** One check of `connection` at a time, whoever asks: callers of the same moment share it. */
  private check(connection: Connection): Promise<CheckResult> {
    let pending = this.checking.get(connection)
    if (!pending) {
      pending = this.probe(connection).finally(() => this.checking.delete(connection))
      this.checking.set(connection, pending)
    }
    return pending
  }

  private async probe(connection: Connection): Promise<CheckResult> {
    const { timeoutMs } = this.current().config.health
    let result: CheckResult
    try {
      await connection.adapter.doCheck?.({
        signal: AbortSignal.timeout(timeoutMs),
        deadline: Date.now() + timeoutMs,
        warn: () => {},
        probe: true,
      })
      result = { ok: true, at: Date.now() }
    } catch (error) {
      // A rate limit, the CRM's or our own, says the CRM is there and busy: every replica
      // shares it, so calling it down would help nobody. Requests get their honest 503.
      result = error instanceof UpstreamRateLimitedError ? { ok: true, at: Date.now() } : { ok: false, at: Date.now(), error: error as Error }
    }
    if (!result.ok && this.results.get(connection)?.ok !== false) {
      this.logger.warn({ connection: connection.name, reason: result.error?.message }, 'connection check failed')
    }
    this.results.set(connection, result)
    return result
  }
}

/** Every tenant's active connection, once each. */
export function activeConnections(runtime: Runtime): Connection[] {
  return [...new Set(runtime.tenants.map((tenant) => tenant.active))]
}
