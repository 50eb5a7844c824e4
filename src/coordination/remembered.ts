import { createHash } from 'node:crypto'
import { BoundedMap } from '../tools/bounded-map.ts'
import type { Coordination, Script } from './redis.ts'

/** How long a message id is remembered: longer than any campaign's retries. */
const KEEP_MS = 30 * 24 * 60 * 60 * 1000
/** The most values kept in this process, and the most waiting to be written back to Redis. */
const MAX_LOCAL = 100_000
/** Values written back to Redis at once; the next ones wait for a later turn of the event loop. */
export const WRITE_BACK_BATCH = 100

/**
 * A compare and set: the key becomes `ARGV[2]` (or is deleted, for '') where it holds nothing or
 * holds `ARGV[1]`; otherwise it is left alone and its value answered.
 */
const SWAP = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return current end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return false
`

/** A change Redis has not taken yet: what it held of this process's before, and what is due. */
interface Unshared {
  readonly expected: string
  readonly next: string
  readonly at: number
}

/**
 * Small values kept long, by scope and key: what happened to each message id an activity was
 * logged for (`src/idempotency/message-log.ts`). In Redis when replicas share it (so a resend that
 * lands on another replica is recognized), else in this process, bounded by count. Keys are
 * stored as digests. Every change is a compare and set, so that two replicas never both take one
 * key, and one never overwrites what another wrote.
 *
 * Redis being unreachable falls back to this process: what is written meanwhile is kept here, and
 * written back to Redis when it is reachable again (`Coordination.onChange`), each value by the
 * same compare and set: a value another replica wrote meanwhile wins, and this process keeps its
 * own as its fallback. The write-back sends `WRITE_BACK_BATCH` values at once and yields to
 * requests between batches; values whose write Redis did not answer wait for its next return.
 */
export class Remembered {
  private readonly local: BoundedMap<string, string>
  private readonly unshared = new Map<string, Unshared>()
  private readonly swap: Script | undefined
  private writingBack = false

  constructor(
    private readonly coordination?: Coordination,
    private readonly now: () => number = Date.now,
  ) {
    this.local = new BoundedMap({ max: MAX_LOCAL, ttlMs: KEEP_MS }, now)
    this.swap = coordination?.script('remembered-swap', 1, SWAP)
    coordination?.onChange((state) => {
      if (state === 'shared') void this.writeBack()
    })
  }

  async get(scope: string, key: string): Promise<string | undefined> {
    const id = digest(scope, key)
    if (this.coordination?.state !== 'shared') return this.local.get(id)
    await this.share(id)
    const shared = await this.coordination.redis.get(this.redisKey(id)).catch(() => null)
    return shared ?? this.local.get(id)
  }

  /**
   * The key becomes `next` (or is forgotten, for `undefined`) if it holds nothing or holds
   * `expected`: `undefined` then; else the value it holds, left as it is.
   */
  async change(scope: string, key: string, expected: string | undefined, next: string | undefined): Promise<string | undefined> {
    const id = digest(scope, key)
    const swap = { expected: expected ?? '', next: next ?? '' }
    if (this.coordination?.state === 'shared') {
      await this.share(id)
      const answer = await this.swapInRedis(id, swap.expected, swap.next, KEEP_MS).then(
        (held) => ({ held }),
        () => undefined,
      )
      if (answer) {
        if (answer.held !== undefined) return answer.held
        this.keep(id, next)
        if (this.unshared.size > 0) void this.writeBack()
        return undefined
      }
    }
    const current = this.local.get(id)
    if (current !== undefined && current !== expected) return current
    this.keep(id, next)
    if (!this.coordination) return undefined
    const before = this.unshared.get(id)
    this.unshared.delete(id)
    this.unshared.set(id, { expected: before?.expected ?? swap.expected, next: swap.next, at: this.now() })
    if (this.unshared.size > MAX_LOCAL) this.unshared.delete(this.unshared.keys().next().value!)
    return undefined
  }

  /** Values kept here that Redis has not taken yet; for tests. */
  get waiting(): number {
    return this.unshared.size
  }

  private keep(id: string, value: string | undefined): void {
    if (value === undefined) this.local.delete(id)
    else this.local.set(id, value)
  }

  /** What this process kept while Redis was unreachable, to Redis, a batch at a time. */
  private async writeBack(): Promise<void> {
    if (this.writingBack) return
    this.writingBack = true
    try {
      while (this.unshared.size > 0 && this.coordination?.state === 'shared') {
        const answered = await Promise.all([...this.unshared.keys()].slice(0, WRITE_BACK_BATCH).map((id) => this.share(id)))
        if (answered.includes(false)) return
        await new Promise((resolve) => setImmediate(resolve))
      }
    } finally {
      this.writingBack = false
    }
  }

  /** `id`'s change Redis has not taken yet, if any, to Redis: a request reading or changing the
   * key does not wait for the write-back to reach it. False when Redis did not answer. */
  private async share(id: string): Promise<boolean> {
    const change = this.unshared.get(id)
    if (!change) return true
    try {
      await this.swapInRedis(id, change.expected, change.next, KEEP_MS - (this.now() - change.at))
    } catch {
      return false
    }
    if (this.unshared.get(id) === change) this.unshared.delete(id)
    return true
  }

  private async swapInRedis(id: string, expected: string, next: string, ttlMs: number): Promise<string | undefined> {
    const held = await this.swap!([this.redisKey(id)], [expected, next, Math.max(1, Math.floor(ttlMs))])
    return typeof held === 'string' ? held : undefined
  }

  private redisKey(id: string): string {
    return this.coordination!.key('seen', id)
  }
}

function digest(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\u0000${key}`).digest('base64url')
}
