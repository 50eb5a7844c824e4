import { createHash } from 'node:crypto'
import { BoundedMap } from '../service/bounded-map.ts'
import type { Coordination } from './redis.ts'

/** How long a message id is remembered: longer than any campaign's retries. */
const KEEP_MS = 30 * 24 * 60 * 60 * 1000

/**
 * Small values kept long, by scope and key: the activity logged for a message id, for adapters
 * that cannot find one again in their CRM. In Redis when replicas share it (so a retry that lands
 * on another replica is recognized), else in this process, bounded by count; Redis being
 * unreachable falls back to this process. Keys are stored as digests.
 */
export class Remembered {
  private readonly local = new BoundedMap<string, string>({ max: 100_000, ttlMs: KEEP_MS })

  constructor(private readonly coordination?: Coordination) {}

  async get(scope: string, key: string): Promise<string | undefined> {
    const id = digest(scope, key)
    const shared = this.coordination?.state === 'shared' ? await this.coordination.redis.get(this.redisKey(id)).catch(() => null) : null
    return shared ?? this.local.get(id)
  }

  async set(scope: string, key: string, value: string): Promise<void> {
    const id = digest(scope, key)
    this.local.set(id, value)
    if (this.coordination?.state === 'shared') await this.coordination.redis.set(this.redisKey(id), value, 'PX', KEEP_MS).catch(() => {})
  }

  private redisKey(id: string): string {
    return this.coordination!.key('seen', id)
  }
}

function digest(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}\u0000${key}`).digest('base64url')
}
