import { Owners } from './schemas.ts'
import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { SharedLookup, UpstreamRejectedError, isDigitsId } from '../../src/kit/utils.ts'

/**
 * Enginy may name an owner by e-mail; HubSpot wants an owner id (from `/crm/owners`, not a
 * user id). Lookups are cached, bounded and with a TTL, and concurrent lookups of one address
 * share one call under `SharedLookup`'s rules (each request keeps its own deadline).
 */
export class OwnerResolver {
  private readonly cache: SharedLookup<string, string>

  constructor(client: UpstreamClient, route: string, options: { max: number; ttlMs: number }, connection: string) {
    this.cache = new SharedLookup<string, string>(
      async (email, callOptions) => {
        const found = await client.json({ method: 'GET', route, query: { email, limit: '1' }, options: callOptions }, Owners)
        // Only the owner with exactly this address: a search that answers someone else must not
        // make them the task's owner.
        const owner = found.results.find((o) => o.email?.toLowerCase() === email)
        if (!owner) throw new UpstreamRejectedError(`ownerId "${email.slice(0, 254)}" is not an owner in this HubSpot account`)
        return owner.id
      },
      { max: options.max, ttlMs: options.ttlMs, connection },
    )
  }

  async resolve(ownerId: string, options: CallOptions): Promise<string> {
    if (isDigitsId(ownerId)) return ownerId
    if (!ownerId.includes('@')) {
      throw new UpstreamRejectedError('ownerId must be a HubSpot owner id (digits) or the e-mail address of an owner')
    }
    return this.cache.get(ownerId.toLowerCase(), options)
  }
}
