import type { AssociationPair, AssociationPort, CallOptions, ItemResult } from '../../src/kit/spec.ts'
import { type GatewayError, done, failed, missing } from '../../src/kit/utils.ts'
import type { RecordCalls } from './record-calls.ts'
import { MAX_BATCH_FIND } from './records.ts'
import { companyOf } from './record-values.ts'

type Outcome = ItemResult<'created' | 'existed'>

/**
 * A contact's company is the person's `company` attribute, a reference to one company record
 * (https://docs.attio.com/docs/standard-objects/standard-objects-people): a new association
 * replaces the old one. One query reads the people of a batch and one the companies (record_id
 * `$in`), so a pair already linked costs no write and a pair naming a record Attio does not hold is
 * `missing` without one; each other pair is one `PATCH` of the person. Pairs of one person are
 * written in their order, the others at once.
 */
export function attioAssociations(people: RecordCalls, companies: RecordCalls): AssociationPort {
  return {
    capabilities: { maxBatch: MAX_BATCH_FIND, oneCompanyPerContact: true },
    async doAssociate(pairs, options) {
      const ids = (key: keyof AssociationPair) => [...new Set(pairs.map((pair) => pair[key]))]
      const [persons, known] = await Promise.all([
        people.query({ record_id: { $in: ids('contactId') } }, options),
        companies.query({ record_id: { $in: ids('companyId') } }, options),
      ])
      const current = new Map(persons.map((person) => [person.id.record_id, companyOf(person)]))
      const companyIds = new Set(known.map((company) => company.id.record_id))
      const outcomes: Outcome[] = new Array(pairs.length)
      const byPerson = new Map<string, { pair: AssociationPair; index: number }[]>()
      for (const [index, pair] of pairs.entries()) byPerson.set(pair.contactId, [...(byPerson.get(pair.contactId) ?? []), { pair, index }])
      await Promise.all(
        [...byPerson.values()].map(async (items) => {
          for (const { pair, index } of items) outcomes[index] = await link(pair, current, companyIds, people, options)
        }),
      )
      return outcomes
    },
  }
}

async function link(pair: AssociationPair, current: Map<string, string | undefined>, companyIds: ReadonlySet<string>, people: RecordCalls, options: CallOptions): Promise<Outcome> {
  if (!current.has(pair.contactId) || !companyIds.has(pair.companyId)) return missing
  if (current.get(pair.contactId) === pair.companyId) return done('existed')
  try {
    const person = await people.update(pair.contactId, { company: [{ target_object: 'companies', target_record_id: pair.companyId }] }, options)
    if (!person) return missing
    current.set(pair.contactId, pair.companyId)
    return done('created')
  } catch (error) {
    return failed(error as GatewayError)
  }
}
