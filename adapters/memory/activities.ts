import { type ActivityPort, type AssociationPort, type NativeActivity, done, isRandomId, missing, randomId } from '../../src/kit/adapter-kit.ts'

/** Activities in a Map of this process, found again by their message id. */
export function memoryActivities(): ActivityPort {
  const activities = new Map<string, NativeActivity>()
  const byMessage = new Map<string, string>()
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
export function memoryAssociations(maxBatch: number, exists: (kind: 'contact' | 'company', id: string) => boolean): AssociationPort {
  const links = new Set<string>()
  return {
    capabilities: { maxBatch },
    async doAssociate(pairs) {
      return pairs.map(({ contactId, companyId }) => {
        if (!exists('contact', contactId) || !exists('company', companyId)) return missing
        const key = `${contactId}\u0000${companyId}`
        if (links.has(key)) return done('existed' as const)
        links.add(key)
        return done('created' as const)
      })
    },
  }
}
