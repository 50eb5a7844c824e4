import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import { type Validator, searchPage } from './answers.ts'
import type { ObjectStore, StoredObject } from './objects.ts'
import { recordRequests } from './schemas.ts'

/**
 * HubSpot's CRM search (`POST /crm/objects/2026-09/{objectType}/search`) as its reference and
 * "Limitations" describe it: at most 5 filter groups (ORed) of 6 filters (ANDed), 18 in all; at
 * most 200 results a page, in the order they were created, paged by an offset in `after`, and
 * none past 10,000; string values of `IN` in lower case, matched without regard to case; dates
 * (`hs_createdate` and the last change, `hs_lastmodifieddate` (`lastmodifieddate` on contacts),
 * which every object has, and datetime properties) compared as moments, given in epoch milliseconds
 * or ISO 8601, and sorted by (`sorts`: one `{propertyName, direction}`, as the search guide sends);
 * a record changed moments ago not found by its last change yet; records associated with a given record by the pseudo-property
 * `associations.{contact|company}` where the objects have associations (`links`); records written
 * moments ago not found yet (`searchLagMs`). The fake checks `IN` filters of at most 100 values,
 * the adapter's assumption (`adapters/hubspot/limits.ts`). Only the operators the gateway has
 * reason to use are served.
 */
export const SEARCH_LIMITS = { filterGroups: 5, filtersPerGroup: 6, filters: 18, valuesPerIn: 100, pageSize: 200, maxResults: 10_000 }

interface Filter {
  propertyName: string
  operator: string
  value?: string
  values?: string[]
}

/** The records each object is associated with, by target kind. */
export type Links = ReadonlyMap<string, { readonly contacts: ReadonlySet<string>; readonly companies: ReadonlySet<string> }>

const ASSOCIATION = /^associations\.(contact|company)$/
const ORDERED = ['GTE', 'LTE']

export function search(store: ObjectStore, v: Validator, r: SeenRequest, links?: Links, lagMs = 0, maxResults = SEARCH_LIMITS.maxResults): Step {
  const operation = `${store.type}/search`
  const bad = v.check(recordRequests.search, r.body, operation)
  if (bad) return bad
  const body = r.body as { filterGroups: { filters: Filter[] }[]; properties: string[]; limit: number; after: string }
  const filters = body.filterGroups.flatMap((group) => group.filters)
  const L = SEARCH_LIMITS
  if (body.filterGroups.length > L.filterGroups || body.filterGroups.some((group) => group.filters.length > L.filtersPerGroup) || filters.length > L.filters) {
    return v.refuse(operation, `a search takes at most ${L.filterGroups} filterGroups of ${L.filtersPerGroup} filters, ${L.filters} in all`)
  }
  for (const filter of filters) {
    if (ASSOCIATION.test(filter.propertyName) && links) {
      if (filter.operator !== 'EQ' || !/^\d+$/.test(filter.value ?? '')) return v.refuse(operation, `${filter.propertyName} takes EQ and a record id`)
      continue
    }
    const definition = DATES.has(filter.propertyName) ? CREATED : store.definitions.get(filter.propertyName)
    if (!definition) return v.refuse(operation, `There was a problem with the request: unknown property ${filter.propertyName}`)
    if (definition.type === 'datetime' && filter.value !== undefined && time(filter.value) === undefined) {
      return v.refuse(operation, `${filter.propertyName} takes epoch milliseconds or an ISO 8601 date`)
    }
    if (ORDERED.includes(filter.operator)) {
      if (definition.type !== 'datetime' || filter.value === undefined) return v.refuse(operation, `the fake serves ${filter.operator} on dates, with a value`)
    } else if (filter.operator === 'IN') {
      if (!filter.values || filter.values.length === 0 || filter.values.length > L.valuesPerIn) return v.refuse(operation, `IN takes 1 to ${L.valuesPerIn} values`)
      if (definition.type === 'string' && filter.values.some((value) => value !== value.toLowerCase())) return v.refuse(operation, 'IN values of a string property must be lowercase')
    } else if (filter.operator === 'EQ') {
      if (filter.value === undefined) return v.refuse(operation, 'EQ takes a value')
    } else if (filter.operator !== 'HAS_PROPERTY') {
      return v.refuse(operation, `the fake serves IN, EQ, GTE, LTE and HAS_PROPERTY, not ${filter.operator}`)
    }
  }
  if (body.limit < 1 || body.limit > L.pageSize) return v.refuse(operation, `limit must be 1 to ${L.pageSize}`)
  if (!/^\d+$/.test(body.after)) return v.refuse(operation, 'after must be an offset')
  const offset = Number(body.after)
  if (offset + body.limit > maxResults) return v.refuse(operation, `a search cannot page past ${maxResults} results`)
  const sorts = (r.body as { sorts: ({ propertyName: string; direction?: string } | string)[] }).sorts
  const sort = sorts[0]
  if (sorts.length > 1 || (sort !== undefined && (typeof sort === 'string' || !DATES.has(sort.propertyName)))) return v.refuse(operation, 'the fake sorts by one date, hs_createdate or the last change')
  const now = Date.now()
  const byChange = sort !== undefined || filters.some((filter) => DATES.has(filter.propertyName) && filter.propertyName !== 'hs_createdate')
  const key = (object: StoredObject) => (sort === undefined || sort.propertyName === 'hs_createdate' ? object.createdAt : object.updatedAt)
  const way = typeof sort === 'object' && sort.direction === 'DESCENDING' ? -1 : 1
  const matches = [...store.objects.values()]
    .filter((object) => object.searchableAt <= now && (!byChange || Date.parse(object.updatedAt) + lagMs <= now))
    .filter((object) => body.filterGroups.length === 0 || body.filterGroups.some((group) => group.filters.every((f) => matches_(store, object, f, links))))
    .sort((a, b) => way * key(a).localeCompare(key(b)) || a.id.length - b.id.length || a.id.localeCompare(b.id))
  return searchPage(matches, body.after, body.limit, (object) => store.view(object, body.properties))
}

/** `hs_createdate` and the last change: not among a portal's listed properties, kept on every object. */
const CREATED = { type: 'datetime' } as const
const DATES = new Set(['hs_createdate', 'hs_lastmodifieddate', 'lastmodifieddate'])

function time(value: string): number | undefined {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

function matches_(store: ObjectStore, object: StoredObject, filter: Filter, links: Links | undefined): boolean {
  const association = ASSOCIATION.exec(filter.propertyName)
  if (association && links) return links.get(object.id)?.[association[1] === 'contact' ? 'contacts' : 'companies'].has(filter.value!) ?? false
  const value = filter.propertyName === 'hs_createdate' ? object.createdAt : DATES.has(filter.propertyName) ? object.updatedAt : object.properties[filter.propertyName]
  if (filter.operator === 'HAS_PROPERTY') return value !== undefined && value !== ''
  if (value === undefined) return false
  if (DATES.has(filter.propertyName) || store.definitions.get(filter.propertyName)?.type === 'datetime') {
    const [held, wanted] = [time(value), time(filter.value!)]
    if (held === undefined || wanted === undefined) return false
    return filter.operator === 'GTE' ? held >= wanted : filter.operator === 'LTE' ? held <= wanted : held === wanted
  }
  const folded = value.toLowerCase()
  if (filter.operator === 'EQ') return folded === filter.value!.toLowerCase()
  return filter.values!.includes(folded)
}
