import { Type } from '@sinclair/typebox'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import type { TaskAdapterV1 } from '../../src/adapter/v1.ts'

/** The memory adapter with a count of the tasks it created or changed, to prove a rejected request wrote nothing. */
export function countingMemory(): { registry: AdapterRegistry; writes: () => number } {
  let writes = 0
  const registry: AdapterRegistry = {
    memory: async () => ({
      options: Type.Object({}),
      create: (): TaskAdapterV1 => {
        const inner = createMemoryAdapter()
        return {
          ...inner,
          doCreate: async (...args) => {
            writes++
            return inner.doCreate(...args)
          },
          doUpdate: async (...args) => {
            const updated = await inner.doUpdate(...args)
            if (updated) writes++
            return updated
          },
          doCompleteMany: async (...args) => {
            const updated = await inner.doCompleteMany(...args)
            writes += updated.length
            return updated
          },
        }
      },
    }),
  }
  return { registry, writes: () => writes }
}
