import type { WriteLog } from '../kit/spec.ts'
import { type Found, type InDoubt, type Running, type Undecided, doubtOf, judge, running, send } from './lost-creates.ts'
import type { Remembered } from '../coordination/remembered.ts'
import { ActivityInDoubtError } from '../errors.ts'
import type { ActivityOut } from '../contract/activities.ts'
import { formatUtc } from '../contract/dates.ts'

const POLL_MS = 50
/** `Retry-After` where waiting changes nothing by itself (several activities match, or the CRM
 * cannot be searched): a person has to look in the CRM, and sooner is no use. */
const LOOK_IN_THE_CRM_S = 3600

/** An attempt, kept under its message id with when the message happened: what its lookup matches. */
type Attempting = Running & { readonly occurredAt: number }
type Doubted = InDoubt & { readonly occurredAt: number }
/** What a message id holds: its activity (as every version kept it), or an attempt at it. */
type Entry = ActivityOut | Attempting | Doubted

/** Logging one message, as `MessageLog` may do it: the activity service's side. */
export interface Message {
  readonly connection: string
  /** When it happened, as its create writes it. */
  readonly occurredAt: number
  /** The request's deadline: how long it may wait for another replica logging the same message. */
  readonly deadline: number
  /** Logs it; each write that may reach the CRM is told to `writes`. */
  create(writes: WriteLog): Promise<ActivityOut>
  /** The activities it made in a connection's CRM, dated `occurredAt` and created at
   * `createdAfter` or later; `undefined` when that CRM cannot be searched so. */
  find(connection: string, createdAfter: number, occurredAt: number): Promise<Found<ActivityOut> | undefined>
}

/**
 * Each message id logged once, for adapters whose CRM does not keep message ids
 * (`ActivityPort.doFindByMessageId`): the id is kept in `Remembered` (Redis when replicas share
 * it) for 30 days, as *attempting* before its create is sent, then as its activity. A create that
 * surely made nothing (a refused connection, a 4xx) forgets the id, and a resend just sends. One
 * that may have made its activity is in doubt, and a resend follows `lost-creates.ts`: the
 * activity found in the CRM (`ActivityPort.createdLookup`) is answered, `200`, and kept; none,
 * once the lookup's `settleMs` has passed, sends the create again; otherwise a 503
 * `ACTIVITY_IN_DOUBT` says why and when to send it again. An attempt of another replica still
 * running is waited for, up to the resend's deadline. The caller holds the message id's turn in
 * this process (`keyed-lock.ts`); across replicas every change of the id is a compare and set.
 */
export class MessageLog {
  constructor(
    private readonly remembered: Remembered,
    private readonly now: () => number = Date.now,
  ) {}

  async log(messageId: string, message: Message): Promise<{ activity: ActivityOut; created: boolean }> {
    const scope = message.connection
    for (;;) {
      const text = await this.remembered.get(scope, messageId)
      if (text === undefined) {
        const mine = this.attempt(message)
        if ((await this.remembered.change(scope, messageId, undefined, JSON.stringify(mine))) === undefined) return this.first(messageId, message, mine)
        continue
      }
      const entry = JSON.parse(text) as Entry
      if (!('state' in entry)) return { activity: inOneFormat(entry), created: false }
      if (entry.state === 'running' && entry.leaseUntil > this.now()) await this.wait(message, entry)
      else {
        const outcome = await this.recover(messageId, message, text, entry)
        if (outcome) return outcome
      }
    }
  }

  private attempt(message: Message): Attempting {
    return { ...running(message.connection, message.deadline, this.now()), occurredAt: message.occurredAt }
  }

  /** Sends the create of `mine`, the attempt the message id holds, and keeps how it ended. */
  private async first(messageId: string, message: Message, mine: Attempting): Promise<{ activity: ActivityOut; created: boolean }> {
    const held = JSON.stringify(mine)
    const sent = await send(message.create)
    if (sent.ok) {
      await this.remembered.change(message.connection, messageId, held, JSON.stringify(sent.value))
      return { activity: sent.value, created: true }
    }
    await this.remembered.change(message.connection, messageId, held, sent.inDoubt ? JSON.stringify(doubtOf(mine, this.now())) : undefined)
    throw sent.error
  }

  /**
   * An attempt in doubt (or whose lease ran out): its activity, found in the CRM; or a new attempt
   * once the CRM is sure it holds none; or a 503 saying why neither. `undefined` when another
   * request changed the id meanwhile: the caller looks again.
   */
  private async recover(messageId: string, message: Message, text: string, held: Attempting | Doubted): Promise<{ activity: ActivityOut; created: boolean } | undefined> {
    const scope = message.connection
    const doubt = held.state === 'doubt' ? held : doubtOf(held, held.leaseUntil)
    const doubtText = held.state === 'doubt' ? text : JSON.stringify(doubt)
    if (held.state === 'running' && (await this.remembered.change(scope, messageId, text, doubtText)) !== undefined) return undefined
    const verdict = await judge(doubt, (connection, createdAfter) => message.find(connection, createdAfter, doubt.occurredAt), this.now)
    if ('undecided' in verdict) throw inDoubt(verdict.undecided, `the CRM of connection "${doubt.connection}"`)
    if ('found' in verdict) {
      await this.remembered.change(scope, messageId, doubtText, JSON.stringify(verdict.found))
      return { activity: verdict.found, created: false }
    }
    const mine = this.attempt(message)
    if ((await this.remembered.change(scope, messageId, doubtText, JSON.stringify(mine))) !== undefined) return undefined
    return this.first(messageId, message, mine)
  }

  /** Another replica is logging the message now: a while, or a 503 at this request's deadline. */
  private async wait(message: Message, held: Attempting): Promise<void> {
    if (message.deadline - this.now() <= POLL_MS) {
      throw new ActivityInDoubtError('that request is still running', Math.max(1, Math.ceil((held.leaseUntil - this.now()) / 1000)))
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** The 503 of a message whose first create may have logged it, and why the gateway cannot tell. */
function inDoubt(undecided: Undecided, crm: string): ActivityInDoubtError {
  switch (undecided.why) {
    case 'unsearchable':
      return new ActivityInDoubtError(`${crm} cannot be searched for it: look there, and log it with another message id if it is missing`, LOOK_IN_THE_CRM_S)
    case 'several':
      return new ActivityInDoubtError(`${undecided.count} activities of ${crm} match it: the gateway cannot tell which`, LOOK_IN_THE_CRM_S)
    case 'not yet':
      return new ActivityInDoubtError(`${crm} does not show it yet, though it may still: retry after ${undecided.retryAfterSeconds} s`, undecided.retryAfterSeconds)
  }
}

/** An activity remembered by an older version may hold another date form than today's one. */
function inOneFormat(activity: ActivityOut): ActivityOut {
  return { ...activity, occurredAt: formatUtc(Date.parse(activity.occurredAt)) ?? activity.occurredAt }
}
