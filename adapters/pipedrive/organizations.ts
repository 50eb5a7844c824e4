import type { CallOptions, CompanyFields, CompanyPort, Lookup, NativeCompany, RecordInput, UpstreamClient } from '../../src/kit/spec.ts'
import { done, isSafeIntegerId, missing } from '../../src/kit/utils.ts'
import { listFeed } from './changes.ts'
import { createdPipedriveRecords } from './created-records.ts'
import { type EntityCalls, MAX_IDS, entityCalls } from './entity-calls.ts'
import type { FieldCatalog } from './field-catalog.ts'
import { type FieldPlan, customFieldsQuery } from './field-plan.ts'
import { type FinderSource, find } from './finder.ts'
import { type Industries, fromOrganization, toOrganization, usesIndustries } from './organization-mapping.ts'
import { Recall, type RecallOptions } from './recall.ts'
import { Organization } from './record-schemas.ts'
import { type SearchSpec, searchIds } from './search.ts'

const SEARCHES: Partial<Record<Lookup, SearchSpec>> = {
  domain: { route: '/api/v2/organizations/search', fields: 'custom_fields', exact: false },
  linkedinUrl: { route: '/api/v2/organizations/search', fields: 'custom_fields', exact: false },
  name: { route: '/api/v2/organizations/search', fields: 'name', exact: true },
}

export interface Organizations {
  readonly port: CompanyPort
  readonly calls: EntityCalls<Organization>
  /** An organization as the port answers it (a webhook's, say). */
  readonly map: (org: Organization, options: CallOptions) => Promise<NativeCompany>
}

/**
 * Enginy companies as Pipedrive organizations, on API v2, as `persons.ts` does contacts. The
 * built-in `industry` is an option id: its labels are read from `/organizationFields` (cached)
 * only when a record or a write has an industry.
 */
export function createOrganizations(
  client: UpstreamClient,
  plan: FieldPlan['companies'],
  catalog: FieldCatalog,
  recallOptions: RecallOptions,
  linkTo: CompanyPort['linkTo'],
): Organizations {
  const calls = entityCalls(client, '/api/v2/organizations', Organization, customFieldsQuery([plan.domain, plan.linkedinUrl, plan.industry, ...plan.extra]))
  const recall = new Recall<NativeCompany>(plan.lookups, recallOptions)
  const industries = (needed: boolean, options: CallOptions): Promise<Industries | undefined> =>
    needed && usesIndustries(plan) ? catalog.industries(options) : Promise.resolve(undefined)
  const mapAll = async (orgs: readonly Organization[], options: CallOptions) => {
    const labels = await industries(
      orgs.some((org) => typeof org.industry === 'number'),
      options,
    )
    return orgs.map((org) => fromOrganization(org, plan, labels))
  }
  const body = async (fields: RecordInput<Partial<CompanyFields>>, creating: boolean, options: CallOptions) =>
    toOrganization(fields, plan, await industries(fields.industry !== undefined, options), creating, options)

  const source: FinderSource<NativeCompany> = {
    search: (by, key, options) => searchIds(client, SEARCHES[by]!, key, options),
    read: async (ids, options) => mapAll(await calls.read(ids, options), options),
    changedSince: async (since, maxPages, options) => {
      const { records, complete } = await calls.changedSince(since, maxPages, options)
      return { records: await mapAll(records, options), complete }
    },
  }

  const port: CompanyPort = {
    capabilities: {
      maxBatchCreate: 1,
      maxBatchUpdate: 1,
      maxBatchFind: MAX_IDS,
      lookups: plan.lookups,
      unsupportedFields: plan.unsupported,
      keepsExtraFields: false,
    },
    isNativeId: isSafeIntegerId,

    doCreateMany: (inputs, options) =>
      Promise.all(
        inputs.map(async (input) => {
          const at = Date.now()
          const [company] = await mapAll([await calls.create(await body(input, true, options), options)], options)
          recall.saw(company!, at)
          return done(company!)
        }),
      ),

    doUpdateMany: (patches, options) =>
      Promise.all(
        patches.map(async ({ id, fields }) => {
          const at = Date.now()
          const changes = await body(fields, false, options)
          const org = Object.keys(changes).length === 0 ? await calls.get(id, options) : await calls.patch(id, changes, options)
          if (!org) return missing
          const [company] = await mapAll([org], options)
          recall.saw(company!, at)
          return done(company!)
        }),
      ),

    doFind: (by, keys, options) => find(recall, source, by, keys, options),
    createdLookup: createdPipedriveRecords(plan.lookups, source.changedSince),

    changes: listFeed(calls, mapAll),

    ...(linkTo && { linkTo }),
  }
  return { port, calls, map: async (org, options) => (await mapAll([org], options))[0]! }
}
