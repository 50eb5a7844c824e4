import type { Static, TSchema } from '@sinclair/typebox'
import type { Logger } from 'pino'
import type { UpstreamClientFactory } from '../upstream/client.ts'

/**
 * The one seam every CRM plugs into: version 1 of the task adapter specification.
 *
 * An adapter is mapping plus calls. It speaks in the CRM's own ids and in the gateway's task
 * model below; it knows nothing of HTTP routes, API keys, gateway ids, batching or retries:
 *
 * - the gateway core turns its own task ids into the adapter's native ids and back (`src/service/ids.ts`);
 * - `src/service/fanout.ts` cuts batches into chunks of at most `capabilities.maxBatchRead` /
 *   `maxBatchUpdate` ids and runs them under the connection's concurrency limit, so `doGetMany` and
 *   `doCompleteMany` never receive more ids than declared and an adapter never loops over ids;
 * - the upstream client handed to the factory (`ctx.upstream`) caps the connection's HTTP calls in
 *   flight, and does timeouts, retries, the rate limit, the circuit breaker and the translation of
 *   HTTP failures into `src/errors.ts` errors. An adapter may send its calls in parallel.
 *
 * Every method takes `CallOptions`; pass them on to each upstream call unchanged, so the caller's
 * deadline and cancellation reach the CRM request. Throw only errors from `src/errors.ts`.
 *
 * Values that reach a CRM's URL go through the upstream client's path templates (`route` and
 * `params`), never into a string. Ids read from a CRM's answer are checked, by the answer's
 * schema, before a later call uses them; ids an answer names that nobody asked for are ignored.
 * See `adapters/README.md` for a worked example and `test/conformance/` for the test kit.
 */
export interface TaskAdapterV1 {
  readonly specificationVersion: 'v1'
  /** The registry name of the adapter, e.g. `hubspot`. */
  readonly adapter: string
  readonly capabilities: AdapterCapabilities

  /**
   * Whether `id` has the form of this CRM's task ids (HubSpot: digits; Pipedrive: a positive
   * integer below 2^53). The core asks before it hands a caller's id to any other method: an id
   * of another form is "not found" (a 404, or left out of a batch) and never reaches the CRM.
   * Write it as strictly as the CRM allows, canonical form only (no leading zeros), so that one
   * task answers to exactly one id. Ids the CRM sends back must pass it too.
   */
  isNativeId(id: string): boolean

  /**
   * The CRM's own task types, where it has a fixed set: Enginy's types are mapped onto them when
   * the connection's `typeMap` says nothing (see `TaskTypes`). Without it, types pass as given.
   */
  readonly taskTypes?: TaskTypes

  /** Creates one task. Called once per create: never retry a create yourself. */
  doCreate(input: NativeTaskInput, options: CallOptions): Promise<NativeTask>

  /**
   * Reads up to `maxBatchRead` tasks. Returns the ones that exist, in any order; an id the CRM
   * reports as missing (or deleted) is simply absent. Never throw for a missing id.
   */
  doGetMany(ids: readonly string[], options: CallOptions): Promise<NativeTask[]>

  /**
   * Changes the given fields of one task and returns it as it now is, or `null` when the task
   * does not exist. `completed: true` on a task that is already completed must keep its first
   * `completedAt`.
   */
  doUpdate(id: string, patch: NativeTaskPatch, options: CallOptions): Promise<NativeTask | null>

  /**
   * Completes (or reopens, with `completed: false`) up to `maxBatchUpdate` tasks and returns the
   * ones that exist as they now are. Idempotent: completing a completed task keeps its first
   * `completedAt`; missing ids are absent from the result.
   */
  doCompleteMany(ids: readonly string[], completed: boolean, options: CallOptions): Promise<NativeTask[]>

  /** One cheap authenticated read, used by health checks and `connections test`. */
  doCheck?(options: CallOptions): Promise<void>

  /** Releases pools and timers; called when the connection is removed or the gateway stops. */
  close?(): Promise<void>
}

export interface AdapterCapabilities {
  /** The most ids one `doGetMany` call may take: the CRM's native batch read size, or 1. Where
   * a read takes several calls of different limits (HubSpot: tasks 100 at a time, associations
   * 1,000), the largest: the adapter splits the smaller ones, and saves calls on the others. */
  readonly maxBatchRead: number
  /** The most ids one `doCompleteMany` call may take: the CRM's native batch update size, or 1
   * (or, as for reads, the largest size a completion's calls allow). */
  readonly maxBatchUpdate: number
  /** A cap on calls at once that the CRM imposes, if any; the connection's `concurrency` config
   * (default 8) applies below it. */
  readonly maxConcurrency?: number
}

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
}

/**
 * A CRM's built-in task types. The connection's `typeMap` and `defaultType` come first; this is
 * what an unconfigured connection does, so that Enginy's own types (`call`, `email`, `todo`…) land
 * as the CRM's instead of being refused.
 */
export interface TaskTypes {
  /** The CRM's type for an Enginy type, if the CRM has one for it. */
  toCrm(type: string): string | undefined
  /** The Enginy type for one of the CRM's types: the reverse of `toCrm`. */
  fromCrm(type: string): string
  /** What an Enginy type the CRM has no type for is stored as, with a warning. */
  readonly fallback: string
}

export interface AdapterWarning {
  readonly type: 'unsupported' | 'compatibility'
  readonly field?: string
  readonly message: string
}

/**
 * A task as the CRM holds it, in the gateway's field names. `type` is the CRM's own type
 * (the core maps it through the connection's `typeMap`); `dueDate` and `completedAt` are epoch
 * milliseconds. `id` is the CRM's native id: any non-empty string.
 */
export interface NativeTask {
  id: string
  subject: string
  description?: string
  type?: string
  ownerId?: string
  contactId?: string
  companyId?: string
  dueDate?: number
  completed: boolean
  completedAt: number | null
}

export type NativeTaskInput = Omit<NativeTask, 'id' | 'completed' | 'completedAt'>

export type NativeTaskPatch = Partial<NativeTaskInput> & { completed?: boolean }

/** What the registry hands an adapter factory besides its validated options. */
export interface AdapterContext {
  /** The connection's name in config, for messages and logs. */
  readonly connection: string
  readonly logger: Logger
  /** Builds the connection's upstream HTTP client with its retry, limit and breaker layers. */
  readonly upstream: UpstreamClientFactory
  /** The connection's `defaultType`: what to store when the CRM does not hold a given type. */
  readonly defaultType?: string
}

/** One entry of the adapter registry (`adapters/index.ts`). */
export interface AdapterDefinition<S extends TSchema = TSchema> {
  /** TypeBox schema of the connection options this adapter reads (besides `adapter`). */
  readonly options: S
  create(options: Static<S>, ctx: AdapterContext): TaskAdapterV1
}
