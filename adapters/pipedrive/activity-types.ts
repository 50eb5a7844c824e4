import { ActivityTypes } from './schemas.ts'
import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { SharedLookup } from '../../src/kit/utils.ts'

const KEY = 'active'

/**
 * The account's active activity types (`key_string`s), from v1's `/activityTypes` (v2 has no
 * such endpoint), cached with a TTL; concurrent reads share one call under `SharedLookup`'s rules.
 */
export class ActivityTypeList {
  private readonly cache: SharedLookup<string, ReadonlySet<string>>

  constructor(client: UpstreamClient, ttlMs: number, connection: string) {
    this.cache = new SharedLookup<string, ReadonlySet<string>>(
      async (_key, options) => {
        const answer = await client.json({ method: 'GET', route: '/api/v1/activityTypes', options }, ActivityTypes)
        return new Set(answer.data.filter((t) => t.active_flag).map((t) => t.key_string))
      },
      { max: 1, ttlMs, connection },
    )
  }

  async has(type: string, options: CallOptions): Promise<boolean> {
    return (await this.cache.get(KEY, options)).has(type)
  }
}
