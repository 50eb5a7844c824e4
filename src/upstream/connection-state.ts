import pLimit, { type LimitFunction } from 'p-limit'
import { Agent, type Dispatcher } from 'undici'
import type { ConnectionCore, RateLimitConfig } from '../config/schema.ts'
import { CircuitBreaker } from './circuit-breaker.ts'
import { type RateLimiter, SlidingWindowLimiter } from './rate-limit.ts'

/** Makes a rate limiter for a connection (and one of its route groups); by default one that keeps
 * its window in this process, with Redis one that every replica shares. */
export type LimiterFactory = (
  connection: string,
  limit: RateLimitConfig | undefined,
  cap: ConnectionCore['pauseCap'],
  group?: string,
) => RateLimiter

/**
 * What a connection's calls share, however many upstream clients its adapter builds: the HTTP
 * pool, the cap on calls in flight, the circuit breaker, and the rate limiters (the connection's,
 * and one per route group a CRM limits apart, such as HubSpot's and Pipedrive's search). So an
 * adapter that builds two clients does not get two budgets.
 */
export class UpstreamState {
  readonly breaker: CircuitBreaker
  readonly inFlight: LimitFunction
  readonly dispatcher: Dispatcher
  private readonly owned: Agent | undefined
  private readonly limiters = new Map<string, RateLimiter>()

  constructor(
    readonly connection: string,
    private readonly core: ConnectionCore,
    private readonly makeLimiter: LimiterFactory = (name, limit) => new SlidingWindowLimiter(limit, name),
    dispatcher?: Dispatcher,
  ) {
    this.owned = dispatcher
      ? undefined
      : new Agent({ connect: { timeout: core.timeouts.connectMs }, keepAliveTimeout: 30_000, connections: core.concurrency * 2 })
    this.dispatcher = dispatcher ?? this.owned!
    this.breaker = new CircuitBreaker(core.breaker, connection)
    this.inFlight = pLimit(core.concurrency)
  }

  /** The connection's limiter: its `rateLimit`. */
  get limiter(): RateLimiter {
    return this.groupLimiter('', this.core.rateLimit)
  }

  /**
   * The limiter of a route group: the connection's `rateLimits[group]` when configured, else the
   * limit the adapter declares for it. The first declaration of a group is the one kept.
   */
  groupLimiter(group: string, declared: RateLimitConfig | undefined): RateLimiter {
    let limiter = this.limiters.get(group)
    if (!limiter) {
      const limit = group === '' ? declared : (this.core.rateLimits[group] ?? declared)
      limiter = this.makeLimiter(this.connection, limit, this.core.pauseCap, group || undefined)
      this.limiters.set(group, limiter)
    }
    return limiter
  }

  async close(): Promise<void> {
    await this.owned?.close()
  }
}
