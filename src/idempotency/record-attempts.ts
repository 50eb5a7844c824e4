import type { ItemResult, NativeRecord } from '../kit/spec.ts'
import { done, failed } from '../adapter/results.ts'
import { type Found, type InDoubt, type Running, type Undecided, doubtOf, judge, running } from './lost-creates.ts'
import type { Remembered } from '../coordination/remembered.ts'
import { RecordInDoubtError } from '../errors.ts'

/** `Retry-After` where waiting changes nothing by itself (several records match, or the CRM cannot
 * be searched): a person has to look in the CRM. */
const LOOK_IN_THE_CRM_S = 3600
/** `Retry-After` while another request creates the same record. */
const ANOTHER_REQUEST_S = 1

type Entry = Running | InDoubt

/** A record to create: the connection, and its keys (one per unique lookup value it has). */
export interface Attempt {
  readonly connection: string
  readonly keys: readonly string[]
  /** The request's deadline: a running attempt's lease outlives it. */
  readonly deadline: number
}

/** An attempt recorded under each of its keys, until `end` says how its create went. */
export interface Held {
  readonly connection: string
  readonly keys: readonly string[]
  readonly text: string
  readonly entry: Running
}

/** How a create ended: its record made, surely nothing made, or maybe made with its answer lost. */
export type Ending = 'made' | 'nothing' | 'doubt'

/**
 * The lost-create rule (`src/idempotency/lost-creates.ts`) for contacts and companies, where the
 * record port declares a `createdLookup` (its `doFind` may not show a record just made). Each
 * create is recorded under every unique key of its record (`Remembered`: Redis when replicas share
 * it), as running before it is sent; then forgotten once it made its record or surely made
 * nothing, or kept in doubt when its answer was lost. An export of a record whose earlier create is
 * in doubt (or whose lease ran out) answers the record the lookup finds; is sent again once the
 * lookup shows none after its `settleMs`; else is refused with `RECORD_IN_DOUBT` saying why and
 * when to send it again, as it is while another replica's create of it runs.
 *
 * The caller holds the record's keys in this process (`keyed-lock.ts`); across replicas every
 * change of a key is a compare and set, and a key another request changed meanwhile refuses the
 * record for a second (it may be creating it).
 */
export class RecordAttempts {
  constructor(
    private readonly remembered: Remembered,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What `attempt`'s earlier creates come to: `send`, the attempt now held (end it with `end`), or
   * the record's outcome without a create (found in the CRM, or refused until the CRM can tell).
   */
  async start<F>(attempt: Attempt, find: (createdAfter: number) => Promise<Found<NativeRecord<F>> | undefined>): Promise<{ send: Held } | { outcome: ItemResult<NativeRecord<F>> }> {
    const { connection, keys } = attempt
    const held = await Promise.all(keys.map(async (key) => ({ key, text: await this.remembered.get(connection, key) })))
    const entries = held.flatMap(({ text }) => (text === undefined ? [] : [{ text, entry: JSON.parse(text) as Entry }]))
    if (entries.some(({ entry }) => entry.state === 'running' && entry.leaseUntil > this.now())) return refused('another request is creating it now', ANOTHER_REQUEST_S)
    const doubts = entries.map(({ entry }) => (entry.state === 'doubt' ? entry : doubtOf(entry, entry.leaseUntil)))
    const earliest = doubts.sort((a, b) => a.startedAt - b.startedAt)[0]
    if (earliest) {
      const verdict = await judge(earliest, (_connection, createdAfter) => find(createdAfter), this.now)
      if ('undecided' in verdict) return { outcome: failed(inDoubt(verdict.undecided, connection)) }
      if ('found' in verdict) {
        await Promise.all(held.map(({ key, text }) => (text === undefined ? undefined : this.remembered.change(connection, key, text, undefined))))
        return { outcome: done(verdict.found) }
      }
    }
    const entry = running(connection, attempt.deadline, this.now())
    const text = JSON.stringify(entry)
    const claimed = await Promise.all(held.map(async ({ key, text: seen }) => ({ key, taken: (await this.remembered.change(connection, key, seen, text)) === undefined })))
    if (claimed.every(({ taken }) => taken)) return { send: { connection, keys, text, entry } }
    await Promise.all(claimed.map(({ key, taken }) => (taken ? this.remembered.change(connection, key, text, undefined) : undefined)))
    return refused('another request is creating it now', ANOTHER_REQUEST_S)
  }

  /** Forgets `held` once its create made its record or surely made nothing; keeps it in doubt
   * when the create may have made it without the answer coming back. */
  async end(held: Held, ending: Ending): Promise<void> {
    const next = ending === 'doubt' ? JSON.stringify(doubtOf(held.entry, this.now())) : undefined
    await Promise.all(held.keys.map((key) => this.remembered.change(held.connection, key, held.text, next)))
  }
}

function refused(why: string, retryAfterSeconds: number): { outcome: ItemResult<never> } {
  return { outcome: failed(new RecordInDoubtError(why, retryAfterSeconds)) }
}

/** The refusal of a record whose earlier create may have made it, and why the gateway cannot tell. */
function inDoubt(undecided: Undecided, connection: string): RecordInDoubtError {
  const crm = `the CRM of connection "${connection}"`
  switch (undecided.why) {
    case 'unsearchable':
      return new RecordInDoubtError(`${crm} cannot be searched for it: look there`, LOOK_IN_THE_CRM_S)
    case 'several':
      return new RecordInDoubtError(`${undecided.count} records of ${crm} match it: the gateway cannot tell which`, LOOK_IN_THE_CRM_S)
    case 'not yet':
      return new RecordInDoubtError(`${crm} does not show it yet, though it may still: retry after ${undecided.retryAfterSeconds} s`, undecided.retryAfterSeconds)
  }
}
