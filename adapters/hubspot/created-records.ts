import type { CreatedLookup, NativeRecord, RecordInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError } from '../../src/kit/utils.ts'
import type { CrmObject } from './answers.ts'
import { SEARCH } from './limits.ts'
import type { RecordMapping } from './record-mapping.ts'
import type { Routes } from './routes.ts'
import { searchPages } from './search.ts'

type AnyRecord = NativeRecord<Record<string, unknown>>

/**
 * How long after a lost create a search surely shows its record: HubSpot's search shows a new
 * record after "a few moments" (`recent.ts`), and a create HubSpot received may still be applied
 * after the gateway stopped waiting for its answer; as for tasks (`created-tasks.ts`).
 */
const SETTLE_MS = 120_000
/** The fields that tell a record apart, the most telling first: they lead the search's filters. */
const TELLING = ['externalId', 'email', 'domain', 'linkedinUrl', 'name']
/** Filters of one group besides the creation time. */
const VALUE_FILTERS = SEARCH.filtersPerGroup - 1

/**
 * The contacts or companies a lost create may have made: HubSpot's search for those created since
 * the attempt (`hs_createdate`) holding, exactly, the values the create wrote to the properties
 * that tell a record apart (Enginy's id where `fieldMap` names a property for it, the e-mail, the
 * domain…; HubSpot's `EQ` ignores case), then kept only where every property the create wrote is
 * as written, compared on what the search answers.
 */
export function createdHubSpotRecords(client: UpstreamClient, route: Routes, mapping: RecordMapping): CreatedLookup<RecordInput<Record<string, unknown>>, AnyRecord> {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const written = await mapping.toProperties(input, options)
      const telling = TELLING.flatMap((field) => {
        const property = mapping.property.get(field)
        return property !== undefined && written[property] !== undefined ? [property] : []
      })
      const filters = [
        { propertyName: 'hs_createdate', operator: 'GTE', value: String(createdAfter) },
        ...[...telling, ...Object.keys(written).filter((property) => !telling.includes(property))]
          .slice(0, VALUE_FILTERS)
          .map((propertyName) => ({ propertyName, operator: 'EQ', value: written[propertyName]! })),
      ]
      const query = { filterGroups: [{ filters }], properties: [...new Set([...mapping.read, ...Object.keys(written)])] }
      const { found, cut } = await searchPages(client, route, mapping.kind, query, options)
      if (cut) throw new UpstreamUnavailableError(`HubSpot holds more than ${SEARCH.maxResults} ${mapping.kind} like the lost one: too many to look through`)
      return found.filter((object) => holds(object, written)).map((object) => ({ ...input, ...mapping.fromObject(object), id: object.id }))
    },
  }
}

/** Whether `object` holds every property a create wrote, as written. */
function holds(object: CrmObject, written: Record<string, string>): boolean {
  return Object.entries(written).every(([name, value]) => object.properties[name] === value)
}
