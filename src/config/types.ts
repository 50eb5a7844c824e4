import type { AdapterDefinition } from '../kit/spec.ts'
import type { ConnectionCore, GatewayConfigFile } from './schema.ts'

/**
 * A config made ready to serve, and what reading one needs. Types of their own module, so that the
 * checks `load.ts` runs (`api-keys.ts`, `link-tokens.ts`) and the runtime that serves a config name
 * them without importing the loader.
 */

/**
 * The adapters a config may name, a loader per name: the registry (`adapters/index.ts`), which
 * only the composition root (`src/server.ts`, `src/cli.ts`) imports and hands to the loader.
 */
export type AdapterLoaders = Readonly<Record<string, () => Promise<AdapterDefinition>>>

export interface ResolvedConnection {
  readonly name: string
  readonly core: ConnectionCore
  /** The adapter's own options, validated by its schema. */
  readonly options: unknown
  readonly definition: AdapterDefinition
}

export interface TenantConfig {
  readonly name: string
  readonly apiKeys: readonly string[]
  /** The capabilities its record links carry (`src/config/link-tokens.ts`); none: links off. */
  readonly linkTokens: readonly string[]
  readonly active: string
  /** Every connection the tenant may use, the active one included. */
  readonly connections: readonly string[]
  /** Its one key was made up for this run: none was configured, outside production. */
  readonly keyGenerated?: boolean
  /** Its one link token was made up for this run, as `keyGenerated`. */
  readonly linkTokenGenerated?: boolean
}

export interface GatewayConfig {
  readonly limits: GatewayConfigFile['limits']
  /** The header that carries the API key, as configured and lower-cased (as Node has it). */
  readonly keyHeader: { readonly name: string; readonly lower: string }
  /** How many failed authentications one client address may make (`auth.failures`). */
  readonly authFailures: GatewayConfigFile['auth']['failures']
  /** The proxies whose `X-Forwarded-For` names the client: restart-only, Fastify reads it once. */
  readonly trustProxy: readonly string[]
  readonly connections: ReadonlyMap<string, ResolvedConnection>
  /** Without `tenants:` in the file, one tenant named `default` with every connection. */
  readonly tenants: readonly TenantConfig[]
  readonly health: GatewayConfigFile['health']
  readonly metrics: GatewayConfigFile['metrics']
  readonly coordination: GatewayConfigFile['coordination']
}

export const DEFAULT_TENANT = 'default'
