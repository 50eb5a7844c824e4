import { LRUCache } from 'lru-cache'
import { ActivityTypes } from './schemas.ts'
import type { CallOptions, UpstreamClient } from '../../src/kit/adapter-kit.ts'

const KEY = 'active'

/**
 * The account's active activity types (`key_string`s), from v1's `/activityTypes` (v2 has no
 * such endpoint), cached with a TTL; concurrent reads share one call.
 */
export class ActivityTypeList {
  private readonly cache: LRUCache<string, ReadonlySet<string>, CallOptions>

  constructor(client: UpstreamClient, ttlMs: number) {
    this.cache = new LRUCache<string, ReadonlySet<string>, CallOptions>({
      max: 1,
      ttl: ttlMs,
      fetchMethod: async (_key, _stale, { context }) => {
        const answer = await client.json({ method: 'GET', route: '/api/v1/activityTypes', options: context }, ActivityTypes)
        return new Set(answer.data.filter((t) => t.active_flag).map((t) => t.key_string))
      },
    })
  }

  async has(type: string, options: CallOptions): Promise<boolean> {
    const types = await this.cache.fetch(KEY, { context: options })
    return types!.has(type)
  }
}
