import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import type { GatewayConfig } from './config/load.ts'
import { type Connection, openConnection } from './connections.ts'
import { KeyRing } from './keys.ts'

/** Who a key belongs to: the connection that receives its new tasks, and the ones it may read. */
export interface Tenant {
  readonly name: string
  readonly active: Connection
  readonly connections: ReadonlyMap<string, Connection>
}

/**
 * Everything one config makes live. A request takes the runtime in force when it starts and
 * keeps it to its end, so a swapped config never changes under a request.
 */
export interface Runtime {
  readonly config: GatewayConfig
  readonly connections: ReadonlyMap<string, Connection>
  readonly keys: KeyRing<Tenant>
  close(): Promise<void>
}

export interface RuntimeOptions {
  readonly logger: Logger
  readonly dispatcher?: Dispatcher
}

export function buildRuntime(config: GatewayConfig, options: RuntimeOptions): Runtime {
  const connections = new Map<string, Connection>()
  for (const [name, resolved] of config.connections) connections.set(name, openConnection(resolved, options))
  const tenant: Tenant = { name: 'default', active: connections.get(config.active)!, connections }
  const keys = new KeyRing<Tenant>(config.apiKeys.map((key) => [key, tenant]))
  return {
    config,
    connections,
    keys,
    async close() {
      await Promise.all([...connections.values()].map((connection) => connection.close()))
    },
  }
}
