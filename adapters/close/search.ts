import type { Static, TSchema } from '@sinclair/typebox'
import type { CallOptions, Lookup, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError } from '../../src/kit/utils.ts'
import { searchPage } from './schemas.ts'
import { SEARCH_GROUP } from './signals.ts'

export const SEARCH = '/api/v1/data/search/'
/** Results per page: Close's most (FACTS.md, "Lookups"). */
const PAGE = 200
/** A bound on pages of one lookup: 5,000 records for at most 100 keys is no lookup any more. */
const MAX_PAGES = 25

type Query = Record<string, unknown>
type Kind = 'lead' | 'contact'

const text = (objectType: string, field: string, mode: 'exact_value' | 'phrase', value: string): Query => ({
  type: 'field_condition',
  field: { type: 'regular_field', object_type: objectType, field_name: field },
  condition: { type: 'text', mode, value },
})
const or = (queries: Query[]): Query => (queries.length === 1 ? queries[0]! : { type: 'or', queries })

/**
 * The Advanced Filtering query for records whose `by` is one of `keys`, every key in one query
 * (FACTS.md, "Lookups"): e-mails through the contact's `contact_email` related objects (exact,
 * ignoring case); a domain as a phrase inside the lead's `url` (`acme.com` in
 * `https://www.acme.com/`, and more: the core checks every match again); a name exactly; an
 * `externalId` as one `term` condition on its custom field holding every key; a lead's LinkedIn
 * URL as a phrase inside its custom field (`linkedin.com/company/acme` in the URL as typed).
 */
export function lookupQuery(kind: Kind, by: Lookup, keys: readonly string[], customFields: Partial<Record<Lookup, string>>): Query {
  const custom = (condition: object) => ({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: customFields[by] }, condition })
  switch (by) {
    case 'externalId':
      return custom({ type: 'term', values: [...keys] })
    case 'linkedinUrl':
      return or(keys.map((key) => custom({ type: 'text', mode: 'phrase', value: key })))
    case 'email':
      return { type: 'has_related', this_object_type: 'contact', related_object_type: 'contact_email', related_query: or(keys.map((key) => text('contact_email', 'email', 'exact_value', key))) }
    case 'domain':
      return or(keys.map((key) => text('lead', 'url', 'phrase', key)))
    case 'name':
      return or(keys.map((key) => text(kind, 'name', 'exact_value', key)))
  }
}

/**
 * Every `kind` record matching `query`, with the fields named, a page of 200 at a time. Searches
 * are sent in their own limit group: Close counts them apart, and tighter. A search reads an
 * index that trails the records: a record made moments ago may be missing (the created lookups
 * do not rely on it).
 */
export async function searchAll<S extends TSchema>(
  client: UpstreamClient,
  kind: Kind,
  query: Query,
  fields: readonly string[],
  schema: S,
  options: CallOptions,
  sort?: { field: string; direction: 'asc' | 'desc' },
  cursor?: string,
  maxPages = MAX_PAGES,
): Promise<{ records: Static<S>[]; cursor?: string }> {
  const Page = searchPage(schema)
  const records: Static<S>[] = []
  let next = cursor
  for (let pages = 0; pages < maxPages; pages++) {
    const body = {
      query: { type: 'and', queries: [{ type: 'object_type', object_type: kind }, query] },
      _fields: { [kind]: [...fields] },
      _limit: PAGE,
      ...(sort && { sort: [{ field: { type: 'regular_field', object_type: kind, field_name: sort.field }, direction: sort.direction }] }),
      ...(next && { cursor: next }),
    }
    const page = await client.json({ method: 'POST', route: SEARCH, body, idempotent: true, limitGroup: SEARCH_GROUP, options }, Page)
    records.push(...(page.data as Static<S>[]))
    next = page.cursor ?? undefined
    if (!next) return { records }
  }
  if (maxPages < MAX_PAGES) return { records, ...(next && { cursor: next }) }
  throw new UpstreamUnavailableError(`a Close search matched more than ${PAGE * MAX_PAGES} ${kind}s: too many to read in one lookup`)
}
