import { isDeepStrictEqual } from 'node:util'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import type { GatewayConfig, ResolvedConnection } from '../config/types.ts'
import { type Connection, closeConnections, openConnection } from './connections.ts'
import { KeptState } from './kept-state.ts'
import { KeyRing } from './keys.ts'
import { Pacer } from '../config/pacer.ts'
import { Problems } from '../config/problems.ts'
import type { Coordination } from '../coordination/redis.ts'
import type { AttemptObserver } from '../upstream/client.ts'
import type { LimiterFactory } from '../upstream/connection-state.ts'

/** Who a key belongs to: the connection that receives its new tasks, and the ones it may read. */
export interface Tenant {
  readonly name: string
  readonly active: Connection
  readonly connections: ReadonlyMap<string, Connection>
}

/**
 * Everything one config makes live. A request takes the runtime in force when it starts and
 * holds it to its end (`hold`), so a swapped config never changes under a request, and a
 * replaced runtime is closed only when the last request holding it has ended.
 */
export interface Runtime {
  readonly config: GatewayConfig
  readonly version: number
  /** When this config was put in force (ms since the epoch). */
  readonly loadedAt: number
  readonly connections: ReadonlyMap<string, Connection>
  readonly tenants: readonly Tenant[]
  readonly keys: KeyRing<Tenant>
  /** The tenants' link tokens, the capability in each record link's path. */
  readonly linkTokens: KeyRing<Tenant>
  /**
   * Starts learning, outside any request, what record links need, for every connection a tenant
   * with link tokens can reach (links off cost the CRM nothing). Called when the runtime is put in
   * force, not on a one-off use such as `connections test`; a connection learns once, whatever the
   * number of runtimes that share it.
   */
  learnLinks(): void
  /** What the adapters of its connections keep across rebuilds (`src/runtime/kept-state.ts`). */
  readonly kept: KeptState
  /** Marks a request as using this runtime; call the returned function when it ends. */
  hold(): () => void
  /** Resolves when no request holds this runtime any more. */
  drained(): Promise<void>
  /** Closes the connections that `next` does not reuse (all of them, and drops what their adapters
   * kept, without `next`); logs, never rejects, a failure. */
  close(next?: Runtime): Promise<void>
}

export interface RuntimeOptions {
  readonly logger: Logger
  readonly dispatcher?: Dispatcher
  readonly observer?: AttemptObserver
  readonly limiter?: LimiterFactory
  readonly coordination?: Coordination
}

/**
 * Makes a config live. Connections whose resolved config is unchanged from `previous` are reused
 * as they are, with their pools, limiters, breakers and caches. It paces itself (`Pacer`): a
 * reload of 10,000 tenants is built while the runtime in force goes on serving.
 */
export async function buildRuntime(config: GatewayConfig, options: RuntimeOptions, previous?: Runtime, pacer = new Pacer()): Promise<Runtime> {
  const connections = new Map<string, Connection>()
  const opened: Connection[] = []
  const kept = new KeptState(previous?.kept, config.connections)
  try {
    // Every connection an adapter refuses is named, as the config's own checks name every problem.
    const problems = new Problems()
    for (const [name, resolved] of config.connections) {
      const old = previous?.connections.get(name)
      const connection = old && sameConnection(old.source, resolved) ? old : problems.attempt(() => openConnection(resolved, options, kept))
      if (connection && connection !== old) opened.push(connection)
      if (connection) connections.set(name, connection)
      await pacer.pace()
    }
    problems.throwIfAny()
  } catch (error) {
    // What this build opened would otherwise stay open, pools and all, with nothing to close it.
    await closeConnections(opened, options.logger)
    throw error
  }
  const tenants: Tenant[] = []
  for (const tenant of config.tenants) {
    tenants.push({
      name: tenant.name,
      active: connections.get(tenant.active)!,
      connections: new Map(tenant.connections.map((name) => [name, connections.get(name)!])),
    })
    await pacer.pace()
  }
  const keys = new KeyRing<Tenant>(tenants.flatMap((tenant, i) => config.tenants[i]!.apiKeys.map((key): [string, Tenant] => [key, tenant])))
  const linkTokens = new KeyRing<Tenant>(tenants.flatMap((tenant, i) => config.tenants[i]!.linkTokens.map((token): [string, Tenant] => [token, tenant])))

  let holders = 0
  const waiting: (() => void)[] = []
  return {
    config,
    version: (previous?.version ?? 0) + 1,
    loadedAt: Date.now(),
    connections,
    tenants,
    keys,
    linkTokens,
    learnLinks() {
      for (const [i, tenant] of tenants.entries()) {
        if (config.tenants[i]!.linkTokens.length > 0) for (const connection of tenant.connections.values()) connection.links.start()
      }
    },
    kept,
    hold() {
      holders++
      let released = false
      return () => {
        if (released) return
        released = true
        holders--
        if (holders === 0) for (const resolve of waiting.splice(0)) resolve()
      }
    },
    drained() {
      if (holders === 0) return Promise.resolve()
      return new Promise((resolve) => waiting.push(resolve))
    },
    async close(next) {
      const reused = new Set(next ? next.connections.values() : [])
      if (!next) kept.clear()
      await closeConnections([...connections.values()].filter((c) => !reused.has(c)), options.logger)
    },
  }
}

function sameConnection(a: ResolvedConnection, b: ResolvedConnection): boolean {
  return a.definition === b.definition && isDeepStrictEqual(a.core, b.core) && isDeepStrictEqual(a.options, b.options)
}
