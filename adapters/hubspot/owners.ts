import { LRUCache } from 'lru-cache'
import { Owners } from './schemas.ts'
import { type CallOptions, type UpstreamClient, UpstreamRejectedError, isDigitsId } from '../../src/kit/adapter-kit.ts'

/**
 * Enginy may name an owner by e-mail; HubSpot wants an owner id (from `/crm/owners`, not a
 * user id). Lookups are cached, bounded and with a TTL, and concurrent lookups of one address
 * share one call (lru-cache's `fetch`).
 */
export class OwnerResolver {
  private readonly cache: LRUCache<string, string, CallOptions>

  constructor(client: UpstreamClient, route: string, options: { max: number; ttlMs: number }) {
    this.cache = new LRUCache<string, string, CallOptions>({
      max: options.max,
      ttl: options.ttlMs,
      fetchMethod: async (email, _stale, { context }) => {
        const found = await client.json({ method: 'GET', route, query: { email, limit: '1' }, options: context }, Owners)
        // Only the owner with exactly this address: a search that answers someone else must not
        // make them the task's owner.
        const owner = found.results.find((o) => o.email?.toLowerCase() === email)
        if (!owner) throw new UpstreamRejectedError(`ownerId "${email.slice(0, 254)}" is not an owner in this HubSpot account`)
        return owner.id
      },
    })
  }

  async resolve(ownerId: string, options: CallOptions): Promise<string> {
    if (isDigitsId(ownerId)) return ownerId
    if (!ownerId.includes('@')) {
      throw new UpstreamRejectedError('ownerId must be a HubSpot owner id (digits) or the e-mail address of an owner')
    }
    const id = await this.cache.fetch(ownerId.toLowerCase(), { context: options })
    return id!
  }
}
