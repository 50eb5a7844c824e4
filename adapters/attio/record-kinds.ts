import type { CompanyFields, ContactFields, Lookup, UpstreamClient } from '../../src/kit/spec.ts'
import type { FieldPlan } from './field-plan.ts'
import { RecordCalls } from './record-calls.ts'
import { companyValues, contactValues, fromCompany, fromPerson } from './record-values.ts'
import type { RecordKindSpec } from './records.ts'

/**
 * The `records/query` filters of each lookup (https://docs.attio.com/rest-api/guides/filtering-and-sorting,
 * the operators per type gathered in hbmartin/attio-ts-sdk docs/filters.md). `$in` takes text and
 * record references only, so e-mails and domains are an `$or` of `$eq`s on the value's main
 * property, which Attio keeps in the normal form the keys are in. LinkedIn URLs and names are text
 * as Enginy sent it (`https://www.linkedin.com/in/Ana`): `$contains` of the normal form
 * (`linkedin.com/in/ana`) finds every form of it, and the core checks each match again.
 */
function filterOf(by: Lookup, keys: readonly string[], externalId: string | undefined): Record<string, unknown> {
  const any = (condition: (key: string) => Record<string, unknown>) => (keys.length === 1 ? condition(keys[0]!) : { $or: keys.map(condition) })
  switch (by) {
    case 'externalId':
      return { [externalId!]: { value: { $in: [...keys] } } }
    case 'email':
      return any((key) => ({ email_addresses: { email_address: { $eq: key } } }))
    case 'domain':
      return any((key) => ({ domains: { domain: { $eq: key } } }))
    case 'linkedinUrl':
      return any((key) => ({ linkedin: { value: { $contains: key } } }))
    case 'name':
      return any((key) => ({ name: { value: { $contains: key } } }))
  }
}

export function peopleSpec(client: UpstreamClient, plan: FieldPlan['contacts']): RecordKindSpec<ContactFields> {
  return {
    calls: new RecordCalls(client, 'people'),
    matching: 'email_addresses',
    lookups: plan.lookups,
    unsupported: plan.unsupported,
    values: (fields, held) => contactValues(fields, plan, held),
    // A name is one value of two parts: a change of one keeps the other as the record holds it.
    needsHeld: (fields) => (fields.firstName === undefined) !== (fields.lastName === undefined),
    from: (record) => fromPerson(record, plan),
    filter: (by, keys) => filterOf(by, keys, plan.externalId),
  }
}

export function companiesSpec(client: UpstreamClient, plan: FieldPlan['companies']): RecordKindSpec<CompanyFields> {
  return {
    calls: new RecordCalls(client, 'companies'),
    matching: 'domains',
    lookups: plan.lookups,
    unsupported: plan.unsupported,
    values: (fields) => companyValues(fields, plan),
    from: (record) => fromCompany(record, plan),
    filter: (by, keys) => filterOf(by, keys, plan.externalId),
  }
}
