import { Type } from '@sinclair/typebox'
import { type AdapterDefinition, type AdapterV2, type CompanyFields, type ContactFields, LinkOptions, UserOptions } from '../../src/kit/adapter-kit.ts'
import { memoryActivities, memoryAssociations } from './activities.ts'
import { memoryRecords } from './records.ts'
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
 * Every kind of record in Maps of this process: they live exactly as long as the process does.
 * Every method runs to completion without awaiting, so concurrent requests cannot interleave
 * inside one.
 */
export function createMemoryAdapter(options: MemoryOptions = {}, now: () => number = Date.now): AdapterV2 {
  const maxBatch = options.maxBatch ?? 1000
  const contacts = memoryRecords<ContactFields>(maxBatch, ['externalId', 'email', 'linkedinUrl'], now, options.links?.contacts)
  const companies = memoryRecords<CompanyFields>(maxBatch, ['externalId', 'domain', 'linkedinUrl', 'name'], now, options.links?.companies)
  const users = options.users
  return {
    specificationVersion: 'v2',
    adapter: 'memory',
    tasks: memoryTasks(maxBatch, now),
    contacts,
    companies,
    associations: memoryAssociations(maxBatch, (kind, id) => (kind === 'contact' ? contacts : companies).has(id)),
    activities: memoryActivities(),
    ...(users && { users: { doList: async () => users.map((user) => ({ ...user })) } }),
    async doCheck() {},
  }
}

const definition: AdapterDefinition<typeof MemoryOptions> = {
  options: MemoryOptions,
  create: (options) => createMemoryAdapter(options),
}
export default definition
