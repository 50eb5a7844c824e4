import type { RateLimitConfig } from '../../src/kit/spec.ts'

/**
 * HubSpot's limits the adapter packs its calls to, in one place, each with where it comes from.
 * The fake (`fake/hubspot.ts`) enforces the same numbers, so a call that would break one
 * fails a test before it fails a customer.
 */

/**
 * Inputs of one batch read, create or update of CRM objects (contacts, companies, tasks, emails,
 * communications): 100. HubSpot's objects guides (e.g.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/guide, "batch")
 * and the batch endpoints' 400 "Too many inputs".
 */
export const MAX_OBJECT_INPUTS = 100

/**
 * Ids of one association batch read: 1,000, since 10 February 2025
 * (https://developers.hubspot.com/changelog/bug-fix-batch-read-limit-for-hubspot-associations-api).
 * The default-association batch create is sent with the same number of pairs, so that one read
 * and one write cover a chunk.
 */
export const MAX_ASSOCIATION_INPUTS = 1000

/**
 * The CRM search API (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm,
 * "Limitations"; the 2026-09 OpenAPI file's `PublicObjectSearchRequest` for the page size):
 *
 * - at most 200 results a page, and 10,000 results a query, paged with `after`;
 * - at most 5 filter groups (ORed), 6 filters each, 18 in all (25 since the August 2024 change,
 *   https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api):
 *   a lookup uses one `IN` filter per group, 5 in all, inside both limits;
 * - values of one `IN` filter: HubSpot's pages we could read name no maximum, and require string
 *   values in lower case. 100 is an assumption, HubSpot's batch size; a portal that refuses it
 *   answers a 400 naming the filter, and this constant is the one place to change.
 *
 * So one search looks up 500 values: 1,000 domains are 2 searches.
 */
export const SEARCH = { pageSize: 200, maxResults: 10_000, filterGroups: 5, filtersPerGroup: 6, valuesPerFilter: 100 } as const

/**
 * Search requests per second, a limit of its own besides the 10-second and daily ones: 4 per
 * second per token since the CRM Search API rate-limit increase
 * (https://developers.hubspot.com/changelog/crm-search-api-rate-limit-increase); the search guide
 * above now says 5 per second per account. 4 is safe under both; a connection's
 * `rateLimits.search` overrides it. Search answers carry no `X-HubSpot-RateLimit-*` headers and
 * are exempt from the 10-second limit (`x-hubspot-rate-limit-exemptions: ten-secondly` on
 * `POST /crm/objects/2026-09/{objectType}/search` in HubSpot's OpenAPI files): a 429 from search
 * is HubSpot's `SECONDLY` policy.
 */
export const SEARCH_RATE: RateLimitConfig = { requests: 4, intervalMs: 1000 }

/** The `limitGroup` every search is sent in. */
export const SEARCH_GROUP = 'search'

/** Owners per page of `GET /crm/owners` (its default, the one size its reference names), and a
 * bound on pages: 10,000 owners. */
export const OWNERS_PAGE = 100
export const MAX_OWNER_PAGES = 100
