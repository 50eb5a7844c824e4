import type { ActivityPort, AssociationPort } from '../../src/kit/spec.ts'
import { done, isRandomId, missing, randomId } from '../../src/kit/utils.ts'
import type { MemoryStore } from './store.ts'

/** Activities in a Map of this process, found again by their message id. */
export function memoryActivities({ activities, byMessage }: Pick<MemoryStore, 'activities' | 'byMessage'>): ActivityPort {
  return {
    isNativeId: isRandomId,
    async doCreate(input) {
      const activity = { ...input, id: randomId() }
      activities.set(activity.id, activity)
      if (input.messageId !== undefined) byMessage.set(input.messageId, activity.id)
      return { ...activity }
    },
    async doFindByMessageId(messageId) {
      const id = byMessage.get(messageId)
      return id === undefined ? null : { ...activities.get(id)! }
    },
  }
}

/** Contact-to-company links; a contact may have several companies. */
export function memoryAssociations({ links, contacts, companies }: Pick<MemoryStore, 'links' | 'contacts' | 'companies'>, maxBatch: number): AssociationPort {
  return {
    capabilities: { maxBatch },
    async doAssociate(pairs) {
      return pairs.map(({ contactId, companyId }) => {
        if (!contacts.records.has(contactId) || !companies.records.has(companyId)) return missing
        const key = `${contactId}\u0000${companyId}`
        if (links.has(key)) return done('existed' as const)
        links.add(key)
        return done('created' as const)
      })
    },
  }
}
