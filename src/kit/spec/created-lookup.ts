import type { CallOptions } from './call-options.ts'

/**
 * How the gateway finds the record of a create whose answer was lost. Part of the seam
 * (`src/kit/spec.ts`); `withCreatedLookup` in `src/kit/utils.ts` wires one into a port.
 */

/** A create that may have made its record in the CRM, though its answer never came back. */
export interface CreateAttempt<Input> {
  /** What the create was given. */
  readonly input: Input
  /** Epoch milliseconds before the attempt was sent, with a margin for the CRM's clock: the record
   * it made, if any, was created at this moment or later. */
  readonly createdAfter: number
}

/**
 * How the gateway finds the record of a create whose answer was lost (a timeout, a dropped
 * connection, a 5xx after sending), so that a retry answers that record instead of making a
 * second one: a task of a keyed `POST /tasks` (`TaskPort.createdLookup`), an activity of a resent
 * message (`ActivityPort.createdLookup`), a contact or company of a resent export
 * (`RecordPort.createdLookup`). Declare it where the CRM can list or search its records
 * by what they hold and when they were created.
 */
export interface CreatedLookup<Input, Output> {
  /**
   * How long after an attempt ended `doFind` surely sees the record it made: the longest the CRM
   * may still apply a create it received, plus how long its search or list takes to show a new
   * record. Until then an empty answer proves nothing, and the retry is refused with `Retry-After`.
   */
  readonly settleMs: number
  /**
   * Every record holding the attempt's fields, as this CRM keeps them, created at `createdAfter`
   * or later; no other. One is the attempt's record; none, once `settleMs` has passed, means it
   * made none, and the create is sent again; several cannot be told apart, and the retry is
   * refused.
   */
  doFind(attempt: CreateAttempt<Input>, options: CallOptions): Promise<Output[]>
}
