import type { Static, TSchema } from '@sinclair/typebox'
import type { Logger } from 'pino'
import type { OAuthFactory } from '../credentials/oauth.ts'
import type { CallTrace } from '../upstream/call-span.ts'
import type { UpstreamClientFactory } from '../upstream/client.ts'
import type { TaskAdapterV1 } from './v1.ts'
import type { AdapterV2 } from './v2.ts'
import type { WriteLog } from './write-log.ts'

/** What every adapter method is given, to pass on unchanged to each upstream call. */
export interface CallOptions {
  /** Aborted when the gateway request is cancelled or passes its deadline. */
  readonly signal: AbortSignal
  /** Epoch milliseconds by which the whole gateway request must have answered. */
  readonly deadline: number
  /** Notes for the caller's log line, e.g. a field the CRM cannot hold. */
  readonly warn: (warning: AdapterWarning) => void
  /** Set on readiness checks: their calls skip the queue for the connection's concurrency, as
   * they measure the CRM, not the gateway's own backlog. */
  readonly probe?: boolean
  /** Set on the calls the core makes outside any request (`doLearnLinks`): each is sent once,
   * the core backing off between tries, and the circuit breaker lets it through only while closed
   * and counts neither its failure nor its success, so a side read that fails (an account-info
   * endpoint answering 500) never stops the tenants' own calls. */
  readonly background?: boolean
  /** Set on a create the gateway must never send twice by mistake (one with an
   * `Idempotency-Key`): each write that may reach the CRM is told to it (`write-log.ts`). */
  readonly writes?: WriteLog
  /** The request's trace, when traces are on: the upstream client makes each CRM call's span
   * under it (`src/upstream/call-trace.ts`). */
  readonly trace?: CallTrace
}

export interface AdapterWarning {
  readonly type: 'unsupported' | 'compatibility'
  readonly field?: string
  readonly message: string
}

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
  /** Builds the connection's upstream HTTP client with its retry, limit and breaker layers. */
  readonly upstream: UpstreamClientFactory
  /** The connection's `defaultType`: what to store when the CRM does not hold a given type. */
  readonly defaultType?: string
  /** The connection's `fieldMap`, for an adapter that keeps a standard field in a field of the
   * customer's (Pipedrive's LinkedIn URL): the core already maps every other field through it. */
  readonly fieldMap: FieldMap
  /** Makes an OAuth credential that refreshes itself, for `upstream`'s `credentials`: its rotated
   * tokens are kept where every replica and the next start find them (`src/credentials/`). */
  readonly oauth: OAuthFactory
  /** The connection's `concurrency` and `timeouts`, for an adapter that holds connections of its
   * own (a database pool) rather than calling through `upstream`, which applies them itself. */
  readonly concurrency: number
  readonly timeouts: Timeouts
  /**
   * State that outlives this adapter instance: `make()`'s value the first time, and the same value
   * to every later instance of this adapter for this connection, which a reload that changes the
   * connection's settings creates. Call it while the adapter is created, not later. Dropped when
   * the connection leaves the config (adding it back starts anew) and when the gateway stops; never
   * kept past the process. The memory adapter keeps its records in it; the rules of the sharing
   * are in `src/runtime/kept-state.ts`.
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
