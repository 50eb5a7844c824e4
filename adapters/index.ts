import type { AdapterDefinition } from '../src/kit/spec.ts'

/**
 * The explicit registry of adapters: a config's `adapter:` names one of these keys, and an
 * unknown name stops the start. Loaders are lazy so a gateway that never talks to HubSpot never
 * loads its code. `npm run new-adapter` adds a line here.
 */
export type AdapterRegistry = Readonly<Record<string, () => Promise<AdapterDefinition>>>

export const builtinAdapters: AdapterRegistry = Object.freeze({
  memory: async () => (await import('./memory/index.ts')).default,
  hubspot: async () => (await import('./hubspot/index.ts')).default,
  pipedrive: async () => (await import('./pipedrive/index.ts')).default,
  sql: async () => (await import('./sql/index.ts')).default,
  attio: async () => (await import('./attio/index.ts')).default,
  close: async () => (await import('./close/index.ts')).default,
})
