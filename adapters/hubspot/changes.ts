import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { type CrmObject, SearchAnswer } from './answers.ts'
import { SEARCH, SEARCH_GROUP } from './limits.ts'
import { parseTime } from './mapping.ts'

/**
 * How far before its watermark each sweep searches again: HubSpot's search shows a change after
 * "a few moments" (its search guide), and the gateway already waits 120 s for a create to show
 * (`created-tasks.ts`); a change listed late within that is still found.
 */
export const CHANGE_OVERLAP_MS = 120_000

/** One page of objects changed since a moment, with where the next page starts. */
export interface ChangedPage {
  readonly objects: { readonly object: CrmObject; readonly modifiedAt: number }[]
  readonly cursor?: string
  readonly watermark?: number
}

/**
 * A page of the objects at `searchRoute` changed at `since` or later, oldest change first: a search
 * of `property` (`hs_lastmodifieddate`; `lastmodifieddate` on contacts) `GTE` the page's moment,
 * sorted by it, 200 a page. Each page searches again from the last page's last moment (the cursor
 * is `moment:skip`, the objects already listed at that very moment), rather than paging one search
 * by offset: so HubSpot's 10,000-result cap of one search never stops a build, and an object
 * changed while the listing pages moves behind the others and is listed later instead of shifting
 * one past unseen. With nothing changed, a sweep is one search.
 */
export async function changedPage(
  client: UpstreamClient,
  searchRoute: string,
  property: string,
  properties: readonly string[],
  since: number | undefined,
  cursor: string | undefined,
  options: CallOptions,
): Promise<ChangedPage> {
  const [fromText, skipText] = cursor?.split(':') ?? []
  let from = cursor === undefined ? since : Number(fromText)
  let skip = cursor === undefined ? 0 : Number(skipText)
  // More than a whole search's results changed in one millisecond: past them, with a warning.
  if (skip + SEARCH.pageSize > SEARCH.maxResults) {
    options.warn({ type: 'compatibility', message: `HubSpot holds more than ${SEARCH.maxResults} records changed at ${new Date(from!).toISOString()}; the mirror goes on past that millisecond` })
    from = from! + 1
    skip = 0
  }
  const answer = await client.json(
    {
      method: 'POST',
      route: searchRoute,
      body: {
        filterGroups: from === undefined ? [] : [{ filters: [{ propertyName: property, operator: 'GTE', value: String(from) }] }],
        sorts: [{ propertyName: property, direction: 'ASCENDING' }],
        properties: [...new Set([...properties, property])],
        limit: SEARCH.pageSize,
        after: String(skip),
      },
      idempotent: true,
      limitGroup: SEARCH_GROUP,
      expect: [200],
      options,
    },
    SearchAnswer,
  )
  const objects = answer.results.flatMap((object) => {
    const modifiedAt = parseTime(object.updatedAt ?? object.properties[property])
    return modifiedAt === undefined ? [] : [{ object, modifiedAt }]
  })
  const last = objects.at(-1)?.modifiedAt
  if (last === undefined) return { objects }
  const more = answer.paging?.next !== undefined && answer.results.length === SEARCH.pageSize
  const atLast = objects.filter((o) => o.modifiedAt === last).length + (last === from ? skip : 0)
  return { objects, watermark: last, ...(more && { cursor: `${last}:${atLast}` }) }
}
