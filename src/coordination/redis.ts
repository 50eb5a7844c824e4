import { Redis } from 'ioredis'
import type { Logger } from 'pino'

export type CoordinationState = 'local' | 'shared' | 'degraded'

/**
 * The replicas' shared engine: one ioredis connection per gateway process. Commands fail at once
 * while Redis is unreachable (no offline queue, no per-command retries), so callers fall back to
 * their local state instead of waiting; ioredis keeps reconnecting in the background, and `state`
 * turns back to `shared` when it is up.
 */
export class Coordination {
  readonly redis: Redis
  private up = false
  private readonly listeners = new Set<(state: CoordinationState) => void>()

  constructor(
    url: string,
    readonly prefix: string,
    /** How many replicas share each budget: in degraded mode each takes 1/replicas of it. */
    readonly replicas: number,
    private readonly logger: Logger,
  ) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    })
    this.redis.on('ready', () => this.set(true))
    this.redis.on('close', () => this.set(false))
    // Errors come with every failed reconnect; `close` already says what matters.
    this.redis.on('error', () => {})
  }

  get state(): CoordinationState {
    return this.up ? 'shared' : 'degraded'
  }

  /** Called on every change between shared and degraded. */
  onChange(listener: (state: CoordinationState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':')
  }

  async close(): Promise<void> {
    this.redis.disconnect()
  }

  private set(up: boolean): void {
    if (up === this.up) return
    this.up = up
    if (up) this.logger.info('coordination: Redis is reachable; rate limits and idempotency keys are shared')
    else this.logger.error(`coordination: Redis is unreachable; each replica falls back to 1/${this.replicas} of every rate limit`)
    for (const listener of this.listeners) listener(this.state)
  }
}
