import pLimit, { type LimitFunction } from 'p-limit'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import type { TaskAdapterV1 } from '../adapter/v1.ts'
import type { ResolvedConnection } from '../config/load.ts'
import { TaskStore } from '../service/task-store.ts'
import { TypeMap } from '../service/type-map.ts'
import { type AttemptObserver, type ConnectionUpstreamSetup, type UpstreamClient, createUpstreamClient } from '../upstream/client.ts'

/** A configured connection made live: its adapter, its concurrency limit and its type map. */
export interface Connection {
  readonly name: string
  readonly adapter: TaskAdapterV1
  /** Every adapter call of this connection runs through this limit, across all requests. */
  readonly limit: LimitFunction
  /** The adapter behind its coalescing and cache; the only way the service reaches it. */
  readonly store: TaskStore
  readonly types: TypeMap
  /** The upstream clients the adapter made, for health and metrics. */
  readonly upstream: readonly UpstreamClient[]
  /** The resolved config this connection was opened from, to tell whether a reload changed it. */
  readonly source: ResolvedConnection
  /** Removes this connection's credentials from a text. */
  scrub(text: string): string
  close(): Promise<void>
}

export interface OpenOptions {
  readonly logger: Logger
  readonly dispatcher?: Dispatcher
  readonly observer?: AttemptObserver
  readonly limiter?: ConnectionUpstreamSetup['limiter']
}

export function openConnection(resolved: ResolvedConnection, options: OpenOptions): Connection {
  const { name, core, definition } = resolved
  const logger = options.logger.child({ connection: name })
  const upstream: UpstreamClient[] = []
  // The clients are made while the adapter is being created, before its capabilities are known.
  const inFlight = pLimit(core.concurrency)
  const adapter = definition.create(resolved.options, {
    connection: name,
    logger,
    defaultType: core.defaultType,
    upstream: (clientOptions) => {
      const client = createUpstreamClient(
        { connection: name, core, logger, dispatcher: options.dispatcher, observer: options.observer, limiter: options.limiter, inFlight },
        clientOptions,
      )
      upstream.push(client)
      return client
    },
  })
  if (adapter.specificationVersion !== 'v1') {
    throw new Error(`adapter "${core.adapter}" implements specification ${String(adapter.specificationVersion)}, not v1`)
  }
  const concurrency = Math.min(core.concurrency, adapter.capabilities.maxConcurrency ?? Number.POSITIVE_INFINITY)
  inFlight.concurrency = concurrency
  const limit = pLimit(concurrency)
  return {
    name,
    adapter,
    limit,
    store: new TaskStore(adapter, limit, core),
    types: new TypeMap(core.typeMap, core.defaultType, adapter.taskTypes),
    upstream,
    source: resolved,
    scrub: (text) => upstream.reduce((clean, client) => client.scrub(clean), text),
    async close() {
      await adapter.close?.()
      await Promise.all(upstream.map((client) => client.close()))
    },
  }
}
