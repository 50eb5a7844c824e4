import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { chunks } from '../../src/kit/utils.ts'
import { type CrmObject, SearchAnswer } from './answers.ts'
import { SEARCH, SEARCH_GROUP } from './limits.ts'
import type { ObjectKind, Routes } from './routes.ts'

/** Values one search can look up: one `IN` filter of `valuesPerFilter` in each of the groups. */
export const VALUES_PER_SEARCH = SEARCH.filterGroups * SEARCH.valuesPerFilter

/**
 * The objects of `kind` whose `property` is one of `values`, through HubSpot's CRM search: as
 * few searches as the limits allow (`limits.ts`: 500 values each, in 5 ORed groups of one `IN`
 * filter), all sent at once and paced by the connection's `search` limit group, each paged
 * through 200 results at a time.
 *
 * HubSpot wants `IN` values of string properties in lower case and matches them so; every value
 * is sent lower-cased, and the core checks each match again by its own rules. Search is
 * eventually consistent: a record written moments ago may not be found yet (`recent.ts`).
 */
export async function searchIn(
  client: UpstreamClient,
  route: Routes,
  kind: ObjectKind,
  property: string,
  values: readonly string[],
  properties: readonly string[],
  options: CallOptions,
): Promise<CrmObject[]> {
  const unique = [...new Set(values.map((value) => value.toLowerCase()))]
  const read = [...new Set([...properties, property])]
  const pages = await Promise.all(chunks(unique, VALUES_PER_SEARCH).map((part) => searchAll(client, route, kind, property, part, read, options)))
  const byId = new Map<string, CrmObject>()
  for (const object of pages.flat()) byId.set(object.id, object)
  return [...byId.values()]
}

/** Every page of one search. */
async function searchAll(
  client: UpstreamClient,
  route: Routes,
  kind: ObjectKind,
  property: string,
  values: readonly string[],
  properties: readonly string[],
  options: CallOptions,
): Promise<CrmObject[]> {
  const filterGroups = chunks(values, SEARCH.valuesPerFilter).map((part) => ({ filters: [{ propertyName: property, operator: 'IN', values: part }] }))
  const { found, total, cut } = await searchPages(client, route, kind, { filterGroups, properties }, options)
  if (cut) {
    options.warn({
      type: 'compatibility',
      field: property,
      message: `HubSpot's search stops at ${SEARCH.maxResults} results; ${total} ${kind} match, the rest were not looked at`,
    })
  }
  return found
}

/**
 * Every page of one search of `kind`, 200 results at a time, paced by the connection's `search`
 * limit group; `cut` when more match than HubSpot pages through (it answers a 400 past 10,000
 * results: those records cannot be seen by search at all), `total` how many.
 */
export async function searchPages(
  client: UpstreamClient,
  route: Routes,
  kind: ObjectKind,
  query: { readonly filterGroups: readonly object[]; readonly properties: readonly string[] },
  options: CallOptions,
): Promise<{ found: CrmObject[]; total: number; cut: boolean }> {
  const found: CrmObject[] = []
  for (let after = '0'; ; ) {
    const answer = await client.json(
      {
        method: 'POST',
        route: route.search(kind),
        body: { ...query, sorts: [], limit: SEARCH.pageSize, after },
        idempotent: true,
        limitGroup: SEARCH_GROUP,
        expect: [200],
        options,
      },
      SearchAnswer,
    )
    found.push(...answer.results)
    const next = answer.paging?.next?.after
    if (next === undefined || answer.results.length === 0) return { found, total: answer.total, cut: false }
    if (!/^\d+$/.test(next) || Number(next) >= SEARCH.maxResults) return { found, total: answer.total, cut: true }
    after = next
  }
}
