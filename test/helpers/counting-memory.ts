import { Type } from '@sinclair/typebox'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import type { AdapterV2 } from '../../src/adapter/v2.ts'

/** The memory adapter with a count of its writes of every kind, to prove a rejected request wrote nothing. */
export function countingMemory(): { registry: AdapterRegistry; writes: () => number } {
  let writes = 0
  const counted = <T extends object>(port: T | undefined, methods: readonly (keyof T)[]): T | undefined => {
    if (!port) return undefined
    const wrapped = { ...port }
    for (const method of methods) {
      const inner = port[method] as (...args: unknown[]) => Promise<unknown>
      ;(wrapped as Record<keyof T, unknown>)[method] = async (...args: unknown[]) => {
        writes++
        return inner.apply(port, args)
      }
    }
    return wrapped
  }
  const registry: AdapterRegistry = {
    memory: async () => ({
      options: Type.Object({}),
      create: (): AdapterV2 => {
        const inner = createMemoryAdapter()
        return {
          ...inner,
          tasks: counted(inner.tasks, ['doCreate', 'doUpdate', 'doCompleteMany']),
          contacts: counted(inner.contacts, ['doCreateMany', 'doUpdateMany']),
          companies: counted(inner.companies, ['doCreateMany', 'doUpdateMany']),
          associations: counted(inner.associations, ['doAssociate']),
          activities: counted(inner.activities, ['doCreate']),
        }
      },
    }),
  }
  return { registry, writes: () => writes }
}
