import type { CallOptions } from './call-options.ts'
import type { CreatedLookup } from './created-lookup.ts'

/** Enginy's kinds of activity; another kind is passed as it came. */
export type ActivityKind = 'EMAIL' | 'LINKEDIN' | 'LINKEDIN_CONNECTION' | 'LINKEDIN_INMAIL'

/** An activity to log (an e-mail, a LinkedIn message), in the gateway's field names and the CRM's ids. */
export interface NativeActivityInput {
  type: string
  direction?: 'INBOUND' | 'OUTBOUND'
  subject?: string
  /** The message; e-mails may hold HTML. */
  body?: string
  ownerId?: string
  /** Epoch milliseconds. */
  occurredAt: number
  contactId?: string
  companyId?: string
  /** Enginy's id of the message: the same message logged twice is one activity. */
  messageId?: string
  metadata?: Record<string, unknown>
}

/** An activity as the CRM holds it, with its native id. */
export type NativeActivity = NativeActivityInput & { id: string }

/**
 * How the gateway finds the activity of a create whose answer was lost (`CreatedLookup`): every
 * activity holding what the create wrote, as the CRM keeps it (kind, direction, subject, body,
 * owner, time, contact and company), created at `createdAfter` or later. The message id is in the
 * input, for a CRM that keeps it, though such a CRM offers `doFindByMessageId` instead.
 */
export type CreatedActivityLookup = CreatedLookup<NativeActivityInput, NativeActivity>

/** Activities: messages logged on contacts and companies (`POST /activities`). */
export interface ActivityPort {
  /** Whether `id` has the form of this CRM's activity ids; as for tasks, any other id is "not found". */
  isNativeId(id: string): boolean
  /**
   * The CRM keeps an activity only on a record (a note needs a parent): the core answers an
   * activity that names neither `contactId` nor `companyId` with a 422 naming `contactId`, before
   * any call.
   */
  readonly needsRecord?: boolean
  /** Logs one activity. Called once per activity: never retry a create yourself. */
  doCreate(input: NativeActivityInput, options: CallOptions): Promise<NativeActivity>
  /**
   * The activity logged with this `messageId`, or `null`. Where the CRM keeps the message id and
   * refuses a second activity with the same one (a unique property, a unique index), implement it:
   * the core then asks before every create, and a create the CRM applies late is refused by the
   * CRM itself. Without it the core keeps each message id in its coordination store (Redis, or
   * this process) for 30 days: as attempted before its create is sent, then as the activity.
   */
  doFindByMessageId?(messageId: string, options: CallOptions): Promise<NativeActivity | null>
  /**
   * Finds the activity of a create whose answer was lost, where the CRM can search or list its
   * activities (see `CreatedActivityLookup`); used only without `doFindByMessageId`. The same
   * message sent again after a create ended in doubt is never sent blindly: with this, it answers
   * the activity the first made (`200`), or is sent again once the lookup proves it made none;
   * without it, it is answered 503 `ACTIVITY_IN_DOUBT` for as long as the message id is kept.
   */
  readonly createdLookup?: CreatedActivityLookup
}
