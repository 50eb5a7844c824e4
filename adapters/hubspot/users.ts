import type { CallOptions, NativeUser, UpstreamClient, UserPort } from '../../src/kit/spec.ts'
import { SharedLookup } from '../../src/kit/utils.ts'
import { OwnerPage } from './answers.ts'
import { MAX_OWNER_PAGES, OWNERS_PAGE } from './limits.ts'
import type { Routes } from './routes.ts'

/**
 * The people records and tasks can be assigned to: HubSpot's owners (`GET /crm/owners`), every
 * page, as Enginy's users. Their ids are owner ids, what `hubspot_owner_id` holds and `ownerId`
 * sends back. The list is cached like owner look-ups (`ownerCache.ttlMs`), and concurrent reads
 * share one under `SharedLookup`'s rules; a failed read is not kept.
 */
export function createHubSpotUsers(client: UpstreamClient, route: Routes, cache: { ttlMs: number }, connection: string): UserPort {
  const list = new SharedLookup<'owners', NativeUser[]>((_key, options) => readAll(client, route, options), { max: 1, ttlMs: cache.ttlMs, connection })
  return {
    async doList(options) {
      return (await list.get('owners', options)).map((user) => ({ ...user }))
    },
  }
}

async function readAll(client: UpstreamClient, route: Routes, options: CallOptions): Promise<NativeUser[]> {
  const users = new Map<string, NativeUser>()
  let after: string | undefined
  for (let page = 0; page < MAX_OWNER_PAGES; page++) {
    const query: Record<string, string> = { limit: String(OWNERS_PAGE), archived: 'false', ...(after !== undefined && { after }) }
    const answer = await client.json({ method: 'GET', route: route.owners, query, expect: [200], options }, OwnerPage)
    for (const owner of answer.results) {
      if (owner.archived) continue
      const name = [owner.firstName, owner.lastName].filter(Boolean).join(' ').trim() || owner.email || `Owner ${owner.id}`
      users.set(owner.id, { id: owner.id, name, ...(owner.email && { email: owner.email }) })
    }
    after = answer.paging?.next?.after
    if (after === undefined) return [...users.values()]
  }
  options.warn({ type: 'compatibility', message: `HubSpot has more than ${MAX_OWNER_PAGES * OWNERS_PAGE} owners; only the first are listed` })
  return [...users.values()]
}
