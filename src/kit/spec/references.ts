import type { CallOptions } from './call-options.ts'

/** Native ids of the records a write names besides its own, by kind. */
export interface ReferencedIds {
  readonly contacts?: readonly string[]
  readonly companies?: readonly string[]
  /** Users, as `ownerId`s name them. */
  readonly owners?: readonly string[]
}

/**
 * Which records a write names that do not exist, for an adapter that can tell at almost no cost:
 * in its own process, or in one query. Declare it only so. The core asks once per request, before
 * anything is written, with every contact, company and owner the request's writes name (a task's
 * or an activity's references, the owners of a batch of records), and refuses a write that names a
 * missing one with a 422 `REFERENCE_NOT_FOUND` naming the field. A CRM that refuses an unknown
 * reference itself needs no such port: its refusal, an `UpstreamRejectedError`, is the 422.
 */
export interface ReferencePort {
  /**
   * Of the ids asked for, those the connection shows do not exist, by kind. A kind the adapter
   * cannot check cheaply (owners, where it lists no users) answers none. Contacts and companies
   * come in the form their port's `isNativeId` takes; owners as the caller sent them. The write
   * follows at once: a record found here is taken to exist still then, so declare this only where
   * records are not deleted under the gateway (memory and sql never delete one).
   */
  doFindMissing(wanted: ReferencedIds, options: CallOptions): Promise<ReferencedIds>
}
