import type { Static, TSchema } from '@sinclair/typebox'
import type { Logger } from 'pino'
import type { AdapterV2, TaskAdapterV1 } from './adapters.ts'
import type { OAuthFactory, UpstreamClientFactory } from './upstream.ts'

/**
 * What the registry hands an adapter's factory, and what an entry of the registry is. Part of the
 * seam (`src/kit/spec.ts`).
 */

/** Enginy's field names to the CRM's, per kind of record: the connection's `fieldMap`. */
export interface FieldMap {
  readonly contacts: Readonly<Record<string, string>>
  readonly companies: Readonly<Record<string, string>>
}

/** The connection's `timeouts`, in milliseconds: connecting, then the answer's start, then its end. */
export interface Timeouts {
  readonly connectMs: number
  readonly headersMs: number
  readonly bodyMs: number
}

/** What the registry hands an adapter factory besides its validated options. */
export interface AdapterContext {
  /** The connection's name in config, for messages and logs. */
  readonly connection: string
  /** The connection's logger: its lines name the connection already, so a line need not. */
  readonly logger: Logger
  /** Builds the connection's upstream HTTP client; the core puts its retry, limit and breaker
   * layers under every call. */
  readonly upstream: UpstreamClientFactory
  /** The connection's `defaultType`: what to store when the CRM does not hold a given type. */
  readonly defaultType?: string
  /** The connection's `fieldMap`, for an adapter that keeps a standard field in a field of the
   * customer's (Pipedrive's LinkedIn URL): the core already maps every other field through it. */
  readonly fieldMap: FieldMap
  /** Makes an OAuth credential that refreshes itself, for `upstream`'s `credentials`: its rotated
   * tokens are kept where every replica and the next start find them. */
  readonly oauth: OAuthFactory
  /** The connection's `concurrency`, for an adapter that holds connections of its own (a database
   * pool) rather than calling through `upstream`, which applies it itself. */
  readonly concurrency: number
  /** The connection's `timeouts`, likewise for an adapter that holds connections of its own. */
  readonly timeouts: Timeouts
  /**
   * State that outlives this adapter instance: `make()`'s value the first time, and the same value
   * to every later instance of this adapter for this connection, which a reload that changes the
   * connection's settings creates. Call it while the adapter is created, not later. Dropped when
   * the connection leaves the config (adding it back starts anew) and when the gateway stops; never
   * kept past the process. The memory adapter keeps its records in it.
   */
  keep<T>(make: () => T): T
}

/** One entry of the adapter registry (`adapters/index.ts`). */
export interface AdapterDefinition<S extends TSchema = TSchema> {
  /** TypeBox schema of the connection options this adapter reads (besides `adapter`). */
  readonly options: S
  /** Version 2 of the seam; a version 1 task adapter still works, through `fromTaskAdapterV1`. */
  create(options: Static<S>, ctx: AdapterContext): AdapterV2 | TaskAdapterV1
}
