import type { CallOptions, RateLimitConfig, UpstreamClient } from '../../src/kit/spec.ts'
import { SearchPage } from './record-schemas.ts'

/**
 * Pipedrive's search endpoints have a burst limit of their own: 10 requests per 2 seconds per
 * token, on every plan, against 20 to 120 for the other calls (api_token; 80 to 480 with OAuth)
 * — https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting, "Rate limiting for Search
 * API", and https://developers.pipedrive.com/changelog/post/announcing-search-api-rate-limit.
 * Each search also costs 20 tokens of the company's daily budget, twice a list call (10) and
 * twenty times a GET by id (1): the `x-token-cost` of `/persons/search` and
 * `/organizations/search` in Pipedrive's published v2 description. So the adapter searches only
 * keys nothing else can settle (`finder.ts`), and these calls wait in a limiter of their own
 * (`limitGroup: 'search'`) besides the connection's.
 */
export const SEARCH_LIMIT: RateLimitConfig = { requests: 10, intervalMs: 2000 }
export const SEARCH_GROUP = 'search'

/** v2's largest page; a search costs 20 tokens whatever its length. */
const PAGE = 500
/** A partial search matching more than 2,000 records is not worth following: the key is then
 * taken as not settled, and the lookup fails rather than miss a record and make a duplicate. */
const MOST_PAGES = 4

export interface SearchSpec {
  readonly route: '/api/v2/persons/search' | '/api/v2/organizations/search'
  /** The fields searched: the built-in ones (`email`, `name`) or every searchable custom field. */
  readonly fields: 'email' | 'name' | 'custom_fields'
  /**
   * Exact matches ("not case sensitive", says the v2 file) for values stored as typed: e-mails,
   * names. URLs and domains are stored as Enginy sent them (`https://www.Acme.com/about`), so
   * their normalized key (`acme.com`) is searched as a part of the value; the core checks every
   * match against the key again.
   */
  readonly exact: boolean
}

/** The ids of the records `term` finds; `complete: false` when the pages ran out first. */
export async function searchIds(
  client: UpstreamClient,
  spec: SearchSpec,
  term: string,
  options: CallOptions,
): Promise<{ ids: string[]; complete: boolean }> {
  // Pipedrive refuses shorter terms (2 characters, or 1 with exact_match).
  if (term.length < (spec.exact ? 1 : 2)) return { ids: [], complete: false }
  const ids: string[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < MOST_PAGES; pages++) {
    const answer = await client.json(
      {
        method: 'GET',
        route: spec.route,
        query: { term, fields: spec.fields, exact_match: String(spec.exact), limit: String(PAGE), ...(cursor && { cursor }) },
        limitGroup: SEARCH_GROUP,
        options,
      },
      SearchPage,
    )
    ids.push(...answer.data.items.map(({ item }) => String(item.id)))
    cursor = answer.additional_data?.next_cursor ?? undefined
    if (!cursor) return { ids, complete: true }
  }
  return { ids, complete: false }
}
