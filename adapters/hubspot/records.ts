import type { CallOptions, Lookup, NativeRecord, RecordPort, UpstreamClient } from '../../src/kit/spec.ts'
import { isDigitsId } from '../../src/kit/utils.ts'
import { CHANGE_OVERLAP_MS, changedPage } from './changes.ts'
import { createdHubSpotRecords } from './created-records.ts'
import { MAX_OBJECT_INPUTS } from './limits.ts'
import type { PortalLinks } from './links.ts'
import { ObjectReads } from './objects.ts'
import { RecentlyCreated } from './recent.ts'
import type { RecordMapping } from './record-mapping.ts'
import { updateRecords } from './record-updates.ts'
import { type RecordWrites, createRecords } from './record-writes.ts'
import type { Routes } from './routes.ts'
import { searchIn } from './search.ts'

type AnyRecord = NativeRecord<Record<string, unknown>>

/** The lookups each kind is matched by (`src/service/matching.ts`); a connection serves those
 * its mapping has a property for (`externalId` only where `fieldMap` names one). */
const CANDIDATES = {
  contacts: ['externalId', 'email', 'linkedinUrl'],
  companies: ['externalId', 'domain', 'linkedinUrl', 'name'],
} as const satisfies Record<string, readonly Lookup[]>

/**
 * The most keys one `doFind` takes: a whole sync request (the core's `maxBatchRecords`, 1,000).
 * The adapter cuts them itself by what each lookup's call takes (100 e-mail addresses a batch
 * read, 500 values a search), so that no call goes out half full: 1,000 LinkedIn URLs, 8,000
 * values, are 16 searches, where two chunks of 500 would be 18. One lookup's calls go out at once.
 */
const MAX_FIND = 1000

/**
 * Contacts or companies as HubSpot CRM objects. Writes go through `record-writes.ts`; `doFind`
 * reads contacts by e-mail with a batch read keyed on the unique `email` property (no search call,
 * and no search lag), and every other lookup through the CRM search with `IN` filters (`search.ts`),
 * plus the records this process created too recently for search to show (`recent.ts`). A create
 * whose answer was lost is found by search too (`created-records.ts`).
 */
export function createHubSpotRecords<F extends object>(
  client: UpstreamClient,
  route: Routes,
  mapping: RecordMapping,
  links: PortalLinks,
  connection: string,
): RecordPort<F> {
  const { kind } = mapping
  const lookups = mapping.lookups(CANDIDATES[kind])
  const reads = new ObjectReads(client, route, kind)
  const recent = new RecentlyCreated<AnyRecord>(lookups)
  const writes: RecordWrites = { connection, client, route, kind, mapping, reads, recent }

  const find = async (by: Lookup, keys: readonly string[], options: CallOptions): Promise<AnyRecord[]> => {
    const property = mapping.property.get(by)
    if (property === undefined || keys.length === 0) return []
    if (by === 'email' && property === 'email') {
      return (await reads.byProperty('email', keys, mapping.read, options)).map((object) => mapping.fromObject(object))
    }
    const values = by === 'linkedinUrl' ? keys.flatMap(linkedinForms) : keys
    const found = (await searchIn(client, route, kind, property, values, mapping.read, options)).map((object) => mapping.fromObject(object))
    const ids = new Set(found.map((record) => record.id))
    return [...found, ...recent.find(by, keys).filter((record) => !ids.has(record.id))]
  }

  const port: RecordPort<Record<string, unknown>> = {
    capabilities: {
      maxBatchCreate: MAX_OBJECT_INPUTS,
      maxBatchUpdate: MAX_OBJECT_INPUTS,
      maxBatchFind: MAX_FIND,
      lookups,
      unsupportedFields: mapping.unsupported,
      // HubSpot refuses a property it does not have: a field goes where `fieldMap` says, or nowhere.
      keepsExtraFields: false,
    },
    isNativeId: isDigitsId,
    doCreateMany: (inputs, options) => createRecords(writes, inputs, options),
    doUpdateMany: (patches, options) => updateRecords(writes, patches, options),
    doFind: find,
    linkTo: (id) => links.recordUrl(kind, id),
    // Contacts keep their modification time in `lastmodifieddate`, every other object in
    // `hs_lastmodifieddate` (HubSpot's search guide).
    changes: {
      overlapMs: CHANGE_OVERLAP_MS,
      async doListChanged(since, cursor, options) {
        const property = kind === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate'
        const page = await changedPage(client, route.search(kind), property, mapping.read, since, cursor, options)
        const changes = page.objects.map(({ object, modifiedAt }) => ({ record: mapping.fromObject(object), modifiedAt }))
        return { changes, ...(page.cursor !== undefined && { cursor: page.cursor }), ...(page.watermark !== undefined && { watermark: page.watermark }) }
      },
    },
    createdLookup: createdHubSpotRecords(client, route, mapping),
  }
  // The mapping speaks in field names as strings; `F` only names which of the kinds this is.
  return port as unknown as RecordPort<F>
}

/**
 * The forms a LinkedIn URL is kept in that the core reads as `key` (`linkedin.com/in/ana`): with
 * `https://www.`, `https://`, `www.` or nothing in front, with and without the trailing slash.
 * HubSpot matches exact values only; the core checks every match by its own rule.
 */
export function linkedinForms(key: string): string[] {
  return ['https://www.', 'https://', 'www.', ''].flatMap((prefix) => [`${prefix}${key}`, `${prefix}${key}/`])
}
