import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import { fromTaskAdapterV1 } from '../adapter/from-v1.ts'
import type { AdapterV2 } from '../kit/spec.ts'
import type { ResolvedConnection } from '../config/types.ts'
import type { Coordination } from '../coordination/redis.ts'
import { oauthFactory } from '../credentials/oauth.ts'
import type { Mirror } from '../mirror/mirror.ts'
import { openMirror } from '../mirror/open.ts'
import { FairLimit } from '../tools/fair-limit.ts'
import { KeyedLock } from '../tools/keyed-lock.ts'
import { TaskStore } from '../service/task-store.ts'
import { TypeMap } from '../service/type-map.ts'
import { type AttemptObserver, type ConnectionClient, createUpstreamClient } from '../upstream/client.ts'
import { type LimiterFactory, UpstreamState } from '../upstream/connection-state.ts'
import { LinkLearning } from './link-learning.ts'
import { KeptState } from './kept-state.ts'

/** A configured connection made live: its adapter, its concurrency limit and its type map. */
export interface Connection {
  readonly name: string
  /** The adapter, as version 2 of the seam whatever version it implements. */
  readonly adapter: AdapterV2
  /** Every adapter call of this connection runs through this limit, across all requests. */
  readonly limit: FairLimit
  /** The task port behind its coalescing and cache, where the adapter serves tasks. */
  readonly store: TaskStore | undefined
  /** The mirror of the CRM its `mirror:` config asks for (`src/mirror/`). */
  readonly mirror: Mirror | undefined
  readonly types: TypeMap
  /** Turns for writes of the same record (`src/tools/keyed-lock.ts`). */
  readonly locks: KeyedLock
  /** The connection's config: its `fieldMap` and the rest. */
  readonly core: ResolvedConnection['core']
  /** The upstream clients the adapter made, for health and metrics. */
  readonly upstream: readonly ConnectionClient[]
  /** The resolved config this connection was opened from, to tell whether a reload changed it. */
  readonly source: ResolvedConnection
  /** Learns what its record links need from the CRM, outside any request, once started. */
  readonly links: LinkLearning
  /** Removes this connection's credentials from a text. */
  scrub(text: string): string
  close(): Promise<void>
}

export interface OpenOptions {
  readonly logger: Logger
  readonly dispatcher?: Dispatcher
  readonly observer?: AttemptObserver
  readonly limiter?: LimiterFactory
  /** Where OAuth tokens are shared, when the gateway has Redis. */
  readonly coordination?: Coordination
}

/** `kept`: what adapters keep across rebuilds of a connection, of the runtime being built; a
 * connection opened on its own keeps its adapter's state to itself. */
export function openConnection(resolved: ResolvedConnection, options: OpenOptions, kept = new KeptState(undefined, new Map())): Connection {
  const { name, core, definition } = resolved
  const logger = options.logger.child({ connection: name })
  const upstream: ConnectionClient[] = []
  const state = new UpstreamState(name, core, options.limiter, options.dispatcher)
  const made = definition.create(resolved.options, {
    connection: name,
    logger,
    defaultType: core.defaultType,
    fieldMap: core.fieldMap,
    oauth: oauthFactory({
      connection: name,
      logger,
      coordination: options.coordination,
      dispatcher: options.dispatcher,
      timeouts: core.timeouts,
      maxResponseBytes: core.maxResponseBytes,
    }),
    concurrency: core.concurrency,
    timeouts: core.timeouts,
    keep: (make) => kept.keep(name, core.adapter, make),
    upstream: (clientOptions) => {
      const client = createUpstreamClient({ core, logger, observer: options.observer, state }, clientOptions)
      upstream.push(client)
      return client
    },
  })
  const version = (made as { specificationVersion?: unknown }).specificationVersion
  if (version !== 'v1' && version !== 'v2') {
    throw new Error(`adapter "${core.adapter}" implements specification ${String(version)}, not v1 or v2`)
  }
  const adapter = made.specificationVersion === 'v1' ? fromTaskAdapterV1(made) : made
  const concurrency = Math.min(core.concurrency, adapter.maxConcurrency ?? Number.POSITIVE_INFINITY)
  // The clients are made while the adapter is being created, before its capabilities are known.
  state.inFlight.concurrency = concurrency
  const limit = new FairLimit(concurrency, name)
  const links = new LinkLearning(adapter.doLearnLinks && ((callOptions) => adapter.doLearnLinks!(callOptions)), logger)
  let mirror: Mirror | undefined
  try {
    mirror = openMirror(name, core, resolved.options, adapter, limit, logger)
  } catch (error) {
    void Promise.resolve(adapter.close?.()).finally(() => state.close())
    throw error
  }
  return {
    name,
    adapter,
    limit,
    mirror,
    store: adapter.tasks && new TaskStore(adapter.tasks, limit, core, name, mirror),
    types: new TypeMap(core.typeMap, core.defaultType, adapter.tasks?.taskTypes),
    locks: new KeyedLock(name),
    core,
    upstream,
    source: resolved,
    links,
    scrub: (text) => upstream.reduce((clean, client) => client.scrub(clean), text),
    async close() {
      links.stop()
      // The pool and the limiters are let go of even when the adapter fails to close.
      try {
        await mirror?.close()
        await adapter.close?.()
      } finally {
        await state.close()
      }
    },
  }
}

/**
 * Closes connections side by side and never rejects: a connection that fails to close is logged
 * by name, and the others still close. It runs after a reload has been answered, where a
 * rejection would have no one to go to and could end the process.
 */
export async function closeConnections(connections: Iterable<Connection>, logger: Logger): Promise<void> {
  const list = [...connections]
  const results = await Promise.allSettled(list.map((connection) => connection.close()))
  for (const [i, result] of results.entries()) {
    if (result.status === 'rejected') {
      logger.error({ connection: list[i]!.name, error: String((result.reason as Error)?.message ?? result.reason) }, 'connection did not close cleanly')
    }
  }
}
