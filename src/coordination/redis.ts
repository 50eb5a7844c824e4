import { Redis } from 'ioredis'
import type { Logger } from 'pino'

export type CoordinationState = 'local' | 'shared' | 'degraded'

/** A Lua script of `Coordination.script`: its keys, then its arguments. */
export type Script = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>

/** Redis answers in well under a millisecond: a command unanswered for a second means it has
 * stalled (a paused process, a network that drops packets without a reset). */
export const COMMAND_TIMEOUT_MS = 1000
/** The longest between two attempts to reconnect: replicas that lost Redis together find it back
 * within this of each other. */
export const RECONNECT_MAX_MS = 2000

/**
 * The replicas' shared engine: one ioredis connection per gateway process. Commands fail at once
 * while Redis is unreachable (no offline queue, no per-command retries), and after a second when
 * it has stalled, whose connection is dropped then; so callers fall back to their local state
 * instead of waiting. ioredis keeps reconnecting in the background, and `state` turns back to
 * `shared` when it is up.
 */
export class Coordination {
  readonly redis: Redis
  private up = false
  private readonly listeners = new Set<(state: CoordinationState) => void>()
  private readonly scripts = new Map<string, string>()

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
      commandTimeout: COMMAND_TIMEOUT_MS,
      // A connection that hears nothing while commands wait is closed: `state` turns degraded at
      // once, and later calls fall back without each waiting out its own timeout.
      socketTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * times, RECONNECT_MAX_MS),
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

  /**
   * A Lua script run by its SHA-1 (EVALSHA): ioredis sends the whole script only the first time
   * on each connection, and again when Redis no longer knows it (a restart, `SCRIPT FLUSH`).
   * Defined once per name, however many limiters ask for it.
   */
  script(name: string, numberOfKeys: number, lua: string): Script {
    const known = this.scripts.get(name)
    if (known === undefined) {
      this.redis.defineCommand(name, { numberOfKeys, lua })
      this.scripts.set(name, lua)
    } else if (known !== lua) {
      throw new Error(`coordination: two different scripts are named "${name}"`)
    }
    const redis = this.redis as unknown as Record<string, (...values: (string | number)[]) => Promise<unknown>>
    return (keys, args) => redis[name]!(...keys, ...args)
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
