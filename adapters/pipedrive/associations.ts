import type { AssociationPort, ItemResult } from '../../src/kit/spec.ts'
import { GatewayError, done, failed, missing } from '../../src/kit/utils.ts'
import { type EntityCalls, MAX_IDS } from './entity-calls.ts'
import type { Organization, Person } from './record-schemas.ts'

type Linked = ItemResult<'created' | 'existed'>

/**
 * A contact's company is the person's `org_id`: a Pipedrive person belongs to one organization,
 * so a new association replaces the one before, with a warning (`oneCompanyPerContact`). Both
 * sides are read first, in lists of 100 (10 tokens each): an unknown record is `missing` rather
 * than Pipedrive's 400, and a pair already linked is `existed` without a write. The pairs of one
 * person are written in order, so the last of a batch wins; different persons are written at once.
 */
export function createAssociations(persons: EntityCalls<Person>, orgs: EntityCalls<Organization>): AssociationPort {
  return {
    capabilities: { maxBatch: MAX_IDS, oneCompanyPerContact: true },

    async doAssociate(pairs, options) {
      const [people, companies] = await Promise.all([
        persons.read(pairs.map((pair) => pair.contactId), options),
        orgs.read(pairs.map((pair) => pair.companyId), options),
      ])
      const orgOf = new Map(people.map((person) => [String(person.id), person.org_id ? String(person.org_id) : undefined]))
      const companyIds = new Set(companies.map((org) => String(org.id)))
      const byPerson = new Map<string, number[]>()
      pairs.forEach((pair, i) => {
        byPerson.set(pair.contactId, [...(byPerson.get(pair.contactId) ?? []), i])
      })

      const results: Linked[] = pairs.map(() => missing)
      await Promise.all(
        [...byPerson].map(async ([contactId, indices]) => {
          for (const i of indices) {
            const { companyId } = pairs[i]!
            if (!orgOf.has(contactId) || !companyIds.has(companyId)) continue
            const before = orgOf.get(contactId)
            if (before === companyId) {
              results[i] = done('existed')
              continue
            }
            try {
              // Both ids passed isNativeId (safe integers) before the core handed them over.
              const moved = await persons.patch(contactId, { org_id: Number(companyId) }, options)
              if (!moved) {
                orgOf.delete(contactId)
                continue
              }
            } catch (error) {
              if (!(error instanceof GatewayError)) throw error
              results[i] = failed(error)
              continue
            }
            if (before) {
              options.warn({
                type: 'compatibility',
                field: 'companyCRMId',
                message: `a Pipedrive person belongs to one organization: person ${contactId} moved from organization ${before} to ${companyId}`,
              })
            }
            orgOf.set(contactId, companyId)
            results[i] = done('created')
          }
        }),
      )
      return results
    },
  }
}
