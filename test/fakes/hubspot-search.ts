import type { SeenRequest, Step } from './http-fake.ts'
import { type Validator, searchPage } from './hubspot-answers.ts'
import type { ObjectStore, StoredObject } from './hubspot-objects.ts'
import { recordRequests } from './hubspot-schemas.ts'

/**
 * HubSpot's CRM search (`POST /crm/objects/2026-09/{objectType}/search`) as its reference and
 * "Limitations" describe it: at most 5 filter groups (ORed) of 6 filters (ANDed), 18 in all; at
 * most 200 results a page, paged by an offset in `after`, and none past 10,000; string values of
 * `IN` in lower case, matched without regard to case; records written moments ago not found yet
 * (`searchLagMs`). The fake checks `IN` filters of at most 100 values, the adapter's assumption
 * (`adapters/hubspot/limits.ts`). Only the operators the gateway has reason to use are served.
 */
export const SEARCH_LIMITS = { filterGroups: 5, filtersPerGroup: 6, filters: 18, valuesPerIn: 100, pageSize: 200, maxResults: 10_000 }

interface Filter {
  propertyName: string
  operator: string
  value?: string
  values?: string[]
}

export function search(store: ObjectStore, v: Validator, r: SeenRequest): Step {
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
    const definition = store.definitions.get(filter.propertyName)
    if (!definition) return v.refuse(operation, `There was a problem with the request: unknown property ${filter.propertyName}`)
    if (filter.operator === 'IN') {
      if (!filter.values || filter.values.length === 0 || filter.values.length > L.valuesPerIn) return v.refuse(operation, `IN takes 1 to ${L.valuesPerIn} values`)
      if (definition.type === 'string' && filter.values.some((value) => value !== value.toLowerCase())) return v.refuse(operation, 'IN values of a string property must be lowercase')
    } else if (filter.operator === 'EQ') {
      if (filter.value === undefined) return v.refuse(operation, 'EQ takes a value')
    } else if (filter.operator !== 'HAS_PROPERTY') {
      return v.refuse(operation, `the fake serves IN, EQ and HAS_PROPERTY, not ${filter.operator}`)
    }
  }
  if (body.limit < 1 || body.limit > L.pageSize) return v.refuse(operation, `limit must be 1 to ${L.pageSize}`)
  if (!/^\d+$/.test(body.after)) return v.refuse(operation, 'after must be an offset')
  const offset = Number(body.after)
  if (offset + body.limit > L.maxResults) return v.refuse(operation, `a search cannot page past ${L.maxResults} results`)
  const now = Date.now()
  const matches = [...store.objects.values()]
    .filter((object) => object.searchableAt <= now && (body.filterGroups.length === 0 || body.filterGroups.some((group) => group.filters.every((f) => matches_(object, f)))))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.length - b.id.length || a.id.localeCompare(b.id))
  return searchPage(matches, body.after, body.limit, (object) => store.view(object, body.properties))
}

function matches_(object: StoredObject, filter: Filter): boolean {
  const value = object.properties[filter.propertyName]
  if (filter.operator === 'HAS_PROPERTY') return value !== undefined && value !== ''
  if (value === undefined) return false
  const folded = value.toLowerCase()
  if (filter.operator === 'EQ') return folded === filter.value!.toLowerCase()
  return filter.values!.includes(folded)
}
