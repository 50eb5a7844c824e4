import type { ReferencePort } from '../../src/kit/spec.ts'
import type { MemoryStore } from './store.ts'

/** Which referenced records the store does not hold; owners where the connection lists its users. */
export function memoryReferences(store: MemoryStore, users: readonly { readonly id: string }[] | undefined): ReferencePort {
  const owners = users && new Set(users.map((user) => user.id))
  return {
    async doFindMissing({ contacts = [], companies = [], owners: named = [] }) {
      return {
        contacts: contacts.filter((id) => !store.contacts.records.has(id)),
        companies: companies.filter((id) => !store.companies.records.has(id)),
        owners: owners ? named.filter((id) => !owners.has(id)) : [],
      }
    },
  }
}
