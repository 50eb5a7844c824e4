import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, AdapterV2 } from '../../src/kit/spec.ts'
import { LinkOptions, UserOptions } from '../../src/kit/utils.ts'
import { memoryActivities, memoryAssociations } from './activities.ts'
import { memoryRecords } from './records.ts'
import { memoryReferences } from './references.ts'
import { type MemoryStore, memoryStore } from './store.ts'
import { memoryTasks } from './tasks.ts'

const MemoryOptions = Type.Object(
  {
    maxBatch: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
    users: UserOptions,
    links: LinkOptions,
  },
  { additionalProperties: false },
)

export interface MemoryOptions {
  readonly maxBatch?: number
  readonly users?: readonly { id: string; name: string; email?: string }[]
  readonly links?: { readonly contacts?: string; readonly companies?: string }
}

/**
 * Every kind of record in Maps of this process, held by `store`: the connection keeps it across
 * reloads that change its settings, and it is gone when the process stops (or the connection
 * leaves the config). Every method runs to completion without awaiting, so concurrent requests
 * cannot interleave inside one, whichever instance of the adapter serves them.
 */
export function createMemoryAdapter(options: MemoryOptions = {}, store: MemoryStore = memoryStore()): AdapterV2 {
  const maxBatch = options.maxBatch ?? 1000
  const now = Date.now
  const users = options.users
  return {
    specificationVersion: 'v2',
    adapter: 'memory',
    tasks: memoryTasks(store.tasks, maxBatch, now),
    contacts: memoryRecords(store.contacts, maxBatch, now, options.links?.contacts),
    companies: memoryRecords(store.companies, maxBatch, now, options.links?.companies),
    associations: memoryAssociations(store, maxBatch),
    activities: memoryActivities(store),
    ...(users && { users: { doList: async () => users.map((user) => ({ ...user })) } }),
    references: memoryReferences(store, users),
    async doCheck() {},
  }
}

const definition: AdapterDefinition<typeof MemoryOptions> = {
  options: MemoryOptions,
  create: (options, ctx) => createMemoryAdapter(options, ctx.keep(memoryStore)),
}
export default definition
