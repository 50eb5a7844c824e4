import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { ConfigError } from '../../src/kit/utils.ts'
import type { FieldPlan } from './field-plan.ts'
import { type AttioObject, READS } from './record-calls.ts'
import { Attributes } from './schemas.ts'

/** Each custom attribute the plan writes, by object, with what Enginy keeps in it. */
function mapped(plan: FieldPlan): Record<AttioObject, [string, string][]> {
  const { contacts, companies } = plan
  const named = (entries: [string, string | undefined][]) => entries.filter((entry): entry is [string, string] => entry[1] !== undefined)
  return {
    people: named([['externalId', contacts.externalId], ['company', contacts.company], ...contacts.extra.map((slug): [string, string] => ['an extra field', slug])]),
    companies: named([
      ['externalId', companies.externalId],
      ['industry', companies.industry],
      ['numberOfEmployees', companies.numberOfEmployees],
      ...companies.extra.map((slug): [string, string] => ['an extra field', slug]),
    ]),
  }
}

const KIND = { people: 'contacts', companies: 'companies' } as const

/**
 * `connections test` and the first readiness check: every attribute slug the connection's
 * `fieldMap` names must be an attribute of the object (`GET /v2/objects/{object}/attributes`),
 * writable and not archived, and `externalId`'s a text attribute (lookups take many with `$in`,
 * which only text and references take). A slug Attio does not have would otherwise fail every
 * write that uses it (400 `value_not_found`). A people `externalId` that is not unique is named
 * too: Attio then lets two people hold one. Every problem is named in one error.
 */
export async function checkFieldMap(client: UpstreamClient, plan: FieldPlan, connection: string, options: CallOptions): Promise<void> {
  const problems: string[] = []
  for (const [object, entries] of Object.entries(mapped(plan)) as [AttioObject, [string, string][]][]) {
    if (entries.length === 0) continue
    const { data } = await client.json({ method: 'GET', route: '/v2/objects/{object}/attributes', params: { object }, limitGroup: READS, options }, Attributes)
    const attributes = new Map(data.map((attribute) => [attribute.api_slug, attribute]))
    for (const [field, slug] of entries) {
      const where = `fieldMap.${KIND[object]}: ${field} → "${slug}"`
      const attribute = attributes.get(slug)
      if (!attribute) problems.push(`${where}: Attio's ${object} have no attribute with that slug (Settings → Objects → ${object} → Attributes)`)
      else if (attribute.is_archived) problems.push(`${where}: the attribute is archived`)
      else if (!attribute.is_writable) problems.push(`${where}: the attribute is not writable through the API`)
      else if (field === 'externalId' && attribute.type !== 'text') problems.push(`${where}: the attribute is of type ${attribute.type}; make it a text attribute`)
      else if (field === 'externalId' && object === 'people' && !attribute.is_unique) problems.push(`${where}: the attribute is not unique; make it unique, so that no two people hold one`)
    }
  }
  if (problems.length > 0) throw new ConfigError(`connections.${connection}`, problems.join('; '))
}
