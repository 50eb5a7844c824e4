import type { AssociationPort, CallOptions } from '../../src/kit/spec.ts'
import { type GatewayError, UpstreamRejectedError, done, failed, missing } from '../../src/kit/utils.ts'
import type { ContactCalls } from './contacts.ts'

/** Pairs of one call: each is its own read and, where needed, its own write. */
const MAX_PAIRS = 100

/**
 * A contact's company is its lead: a contact belongs to exactly one (FACTS.md, "Contacts").
 * Associating a contact with a company moves it there (`PUT /contact/{id}/ {lead_id}`), after one
 * read that says whether it is there already (`existed`, no write), unless an answer of the last
 * ten minutes showed it on another lead (an export made it: the association right after costs
 * the move alone). The lead it leaves stays,
 * possibly empty: the one Close made for a contact exported without a company, named after it. A
 * contact or lead Close does not hold is `missing`. Close's reference does not say a contact can
 * move; the fake lets it (not checked against a live account).
 */
export function createAssociations(contacts: ContactCalls): AssociationPort {
  const associate = async (contactId: string, companyId: string, options: CallOptions) => {
    try {
      // A contact just seen on another lead (exported, found, moved) is moved without a read:
      // the move is the same whatever happened since. One that may be there already is read.
      const last = contacts.lastLead(contactId)
      if (last === undefined || last === companyId) {
        const contact = await contacts.get(contactId, options)
        if (!contact) return missing
        if (contact.lead_id === companyId) return done('existed' as const)
      }
      return (await contacts.put(contactId, { lead_id: companyId }, options)) ? done('created' as const) : missing
    } catch (error) {
      // Close's 400 for a lead it does not hold: `{"field-errors": {"lead": "Object does not exist."}}`.
      if (error instanceof UpstreamRejectedError && /\blead\b.*does not exist/i.test(error.message)) return missing
      return failed(error as GatewayError)
    }
  }
  return {
    capabilities: { maxBatch: MAX_PAIRS, oneCompanyPerContact: true },
    // One contact's pairs in turn, so that a pair repeated in a call finds the first one's move.
    doAssociate(pairs, options) {
      const turns = new Map<string, Promise<unknown>>()
      return Promise.all(
        pairs.map(({ contactId, companyId }) => {
          const result = (turns.get(contactId) ?? Promise.resolve()).then(() => associate(contactId, companyId, options))
          turns.set(contactId, result)
          return result
        }),
      )
    },
  }
}
