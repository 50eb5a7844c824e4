import { Type } from '@sinclair/typebox'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import type { AdapterV2 } from '../../src/kit/spec.ts'

/** `inner` with `onWrite` called before each of its writes of every kind, to prove a rejected request wrote nothing. */
export function countedWrites(inner: AdapterV2, onWrite: () => void): AdapterV2 {
  const counted = <T extends object>(port: T | undefined, methods: readonly (keyof T)[]): T | undefined => {
    if (!port) return undefined
    // Over the port, not a copy of it: a port may hold members on its prototype (`withCreatedLookup`).
    const wrapped = Object.create(port) as T
    for (const method of methods) {
      const write = port[method] as (...args: unknown[]) => Promise<unknown>
      ;(wrapped as Record<keyof T, unknown>)[method] = async (...args: unknown[]) => {
        onWrite()
        return write.apply(port, args)
      }
    }
    return wrapped
  }
  return {
    ...inner,
    tasks: counted(inner.tasks, ['doCreate', 'doUpdate', 'doCompleteMany']),
    contacts: counted(inner.contacts, ['doCreateMany', 'doUpdateMany']),
    companies: counted(inner.companies, ['doCreateMany', 'doUpdateMany']),
    associations: counted(inner.associations, ['doAssociate']),
    activities: counted(inner.activities, ['doCreate']),
  }
}

/** The memory adapter with a count of its writes of every kind, to prove a rejected request wrote nothing. */
export function countingMemory(): { registry: AdapterRegistry; writes: () => number } {
  let writes = 0
  const registry: AdapterRegistry = {
    memory: async () => ({
      options: Type.Object({}),
      create: (): AdapterV2 => countedWrites(createMemoryAdapter(), () => writes++),
    }),
  }
  return { registry, writes: () => writes }
}
