import { Type } from '@sinclair/typebox'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'

/** The memory adapter as a CRM that keeps no contact field it has no place for: a field without a
 * `fieldMap` entry is dropped with an adapter warning. */
export const strictMemory: AdapterRegistry = {
  memory: async () => ({
    options: Type.Object({}),
    create: () => {
      const adapter = createMemoryAdapter()
      const contacts = adapter.contacts!
      return { ...adapter, contacts: { ...contacts, capabilities: { ...contacts.capabilities, keepsExtraFields: false } } }
    },
  }),
}
