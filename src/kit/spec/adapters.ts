import type { ActivityPort } from './activities.ts'
import type { AssociationPort } from './associations.ts'
import type { CallOptions } from './call-options.ts'
import type { CompanyPort, ContactPort } from './records.ts'
import type { ReferencePort } from './references.ts'
import type { TaskCapabilities, TaskPort } from './tasks.ts'
import type { UserPort } from './users.ts'
import type { WebhookPort } from './webhooks.ts'

/**
 * The one seam every CRM plugs into: version 2 of the adapter specification. An adapter serves
 * the kinds of record it has a port for; the gateway answers the others honestly (404 for users,
 * so Enginy turns owner selection off; 501 for the rest).
 *
 * An adapter is mapping plus calls. It speaks in the CRM's own ids and in the gateway's field
 * names; it knows nothing of HTTP routes, API keys, gateway ids, batching or retries:
 *
 * - the core turns its own ids into the adapter's native ids and back, and
 *   checks each with the port's `isNativeId` before the adapter sees it;
 * - `src/service/fanout.ts` cuts batches into chunks of at most the declared sizes and runs them
 *   under the connection's concurrency limit: an adapter never loops over more than it declared;
 * - the upstream client handed to the factory (`ctx.upstream`) caps the connection's HTTP calls in
 *   flight, and does timeouts, retries, the rate limit, the circuit breaker and the translation of
 *   HTTP failures into typed errors. An adapter may send its calls in parallel.
 *
 * Every method that may call the CRM takes `CallOptions` (a record port's `linkTo` makes no call,
 * so it takes none); pass them on to each upstream call unchanged, so the caller's deadline and
 * cancellation reach the CRM request. Throw only the errors of `src/kit/utils.ts`.
 *
 * Values that reach a CRM's URL go through the upstream client's path templates (`route` and
 * `params`), never into a string. Ids read from a CRM's answer are checked, by the answer's
 * schema, before a later call uses them; ids an answer names that nobody asked for are ignored.
 * Everything an adapter needs comes from the kit: `src/kit/spec.ts` (types) and `src/kit/utils.ts` (helpers).
 * See `adapters/README.md` for a worked example and `src/kit/testing.ts` for the test kit.
 */
export interface AdapterV2 {
  readonly specificationVersion: 'v2'
  /** The registry name of the adapter, e.g. `hubspot`. */
  readonly adapter: string
  /** A cap on calls at once that the CRM imposes, if any; the connection's `concurrency` config
   * (default 8) applies below it. */
  readonly maxConcurrency?: number

  readonly tasks?: TaskPort
  readonly contacts?: ContactPort
  readonly companies?: CompanyPort
  readonly associations?: AssociationPort
  readonly activities?: ActivityPort
  readonly users?: UserPort
  /** Where the adapter can tell cheaply which referenced records do not exist (memory, sql). */
  readonly references?: ReferencePort
  /** The CRM's webhooks, which bring changes to a connection's mirror as they happen. */
  readonly webhooks?: WebhookPort

  /** One cheap authenticated read, used by health checks and `connections test`. */
  doCheck?(options: CallOptions): Promise<void>
  /**
   * Learns what the record ports' `linkTo` needs from the CRM (an account's id or domain) with
   * one read, and keeps it; resolves once it is known, throws what the read threw. The core calls
   * it outside any request, when a connection opens for a tenant that has links, and again with
   * back-off while it fails (`src/runtime/link-learning.ts`): the adapter neither retries nor
   * waits. Leave it out when links need nothing from the CRM (the connection's options say it all).
   */
  doLearnLinks?(options: CallOptions): Promise<void>
  /** Releases pools and timers; called when the connection is removed or the gateway stops. */
  close?(): Promise<void>
}

/** The kinds of record a port can serve. */
export type Kind = 'tasks' | 'contacts' | 'companies' | 'associations' | 'activities' | 'users'

/**
 * Version 1 of the seam: an adapter of tasks only. It still works, through `fromTaskAdapterV1`
 * (`src/kit/utils.ts`), which makes it a version 2 adapter serving tasks; new adapters implement
 * `AdapterV2`, whose `tasks` port has exactly these methods.
 */
export interface TaskAdapterV1 extends TaskPort {
  readonly specificationVersion: 'v1'
  /** The registry name of the adapter, e.g. `hubspot`. */
  readonly adapter: string
  readonly capabilities: TaskCapabilities & {
    /** A cap on calls at once that the CRM imposes, if any. */
    readonly maxConcurrency?: number
  }
  /** One cheap authenticated read, used by health checks and `connections test`. */
  doCheck?(options: CallOptions): Promise<void>
  /** Releases pools and timers; called when the connection is removed or the gateway stops. */
  close?(): Promise<void>
}
