import type { CallOptions } from './common.ts'

/** Enginy's kinds of activity; another kind is passed as it came. */
export type ActivityKind = 'EMAIL' | 'LINKEDIN' | 'LINKEDIN_CONNECTION' | 'LINKEDIN_INMAIL'

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

export type NativeActivity = NativeActivityInput & { id: string }

export interface ActivityPort {
  isNativeId(id: string): boolean
  /** Logs one activity. Called once per activity: never retry a create yourself. */
  doCreate(input: NativeActivityInput, options: CallOptions): Promise<NativeActivity>
  /**
   * The activity logged with this `messageId`, or `null`. Where the CRM can hold the message id,
   * implement it: the core then asks before every create. Without it the core remembers the ids
   * it logged in its coordination store (Redis, or this process), for as long as that keeps them.
   */
  doFindByMessageId?(messageId: string, options: CallOptions): Promise<NativeActivity | null>
}
