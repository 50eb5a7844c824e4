import type { CallOptions, CompanyFields, CompanyPort, Lookup, NativeCompany, RecordInput, UpstreamClient } from '../../src/kit/spec.ts'
import { type GatewayError, done, failed, missing } from '../../src/kit/utils.ts'
import { MAX_KEYS } from './contacts.ts'
import { createdRecords } from './created-records.ts'
import type { KindPlan } from './field-plan.ts'
import { closeIds } from './ids.ts'
import { type CloseLead, fromLead, leadFields, toLead } from './lead-mapping.ts'
import { Recent } from './recent.ts'
import { Lead } from './schemas.ts'
import { recordFeed } from './record-feed.ts'
import { lookupQuery, searchAll } from './search.ts'

export const LEADS = '/api/v1/lead/'
export const LEAD = '/api/v1/lead/{id}/'

/**
 * Enginy companies as Close leads: one `POST /lead/` or `PUT /lead/{id}/` per record (Close has
 * no batch write of leads; its bulk edit sets one value on many), lookups by search. A lead is
 * read without its contacts and tasks (`_fields`), which its answer holds by default.
 */
export function createLeads(client: UpstreamClient, plan: KindPlan<CompanyFields>, linkTo: (id: string) => string): CompanyPort {
  const fields = leadFields(plan)
  const _fields = fields.join(',')
  const map = (lead: CloseLead) => fromLead(lead, plan)
  const recent = new Recent<NativeCompany>(plan.lookups)

  const write = async (call: () => Promise<CloseLead | null>) => {
    try {
      const lead = await call()
      if (!lead) return missing
      const company = map(lead)
      recent.wrote(company)
      return done(company)
    } catch (error) {
      return failed(error as GatewayError)
    }
  }

  const update = (id: string, input: RecordInput<Partial<CompanyFields>>, options: CallOptions) => {
    const body = toLead(input, plan)
    return write(() =>
      Object.keys(body).length === 0
        ? client.json({ method: 'GET', route: LEAD, params: { id }, query: { _fields }, options }, Lead, 'null')
        : client.json({ method: 'PUT', route: LEAD, params: { id }, query: { _fields }, body, options }, Lead, 'null'),
    )
  }

  return {
    capabilities: { maxBatchCreate: 1, maxBatchUpdate: 1, maxBatchFind: MAX_KEYS, lookups: plan.lookups, unsupportedFields: plan.unsupported, keepsExtraFields: false },
    isNativeId: closeIds('lead'),
    doCreateMany: (inputs, options) =>
      Promise.all(inputs.map((input) => write(() => client.json({ method: 'POST', route: LEADS, query: { _fields }, body: toLead(input, plan), options }, Lead)))),
    doUpdateMany: (patches, options) => Promise.all(patches.map(({ id, fields: input }) => update(id, input, options))),
    async doFind(by: Lookup, keys, options): Promise<NativeCompany[]> {
      const { records } = await searchAll(client, 'lead', lookupQuery('lead', by, keys, plan.custom), fields, Lead, options)
      return recent.complete(by, keys, records.map(map))
    },
    createdLookup: createdRecords(client, 'lead', Lead, map, plan.lookups, (record) => recent.wrote(record)),
    changes: recordFeed(client, 'lead', fields, Lead, map),
    linkTo,
  }
}
