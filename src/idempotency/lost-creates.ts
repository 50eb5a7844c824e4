import { randomBytes } from 'node:crypto'
import type { WriteLog } from '../kit/spec.ts'
import { AttemptLog } from './attempt-log.ts'

/**
 * Creates whose answer may be lost, for every kind that must never be made twice: a keyed
 * `POST /tasks` (`idempotency.ts`), a resent campaign message (`src/idempotency/message-log.ts`), and
 * whatever comes next. The caller keeps each attempt where its retries look (`Running`, then
 * `InDoubt` or its outcome); this module is the one rule of what an attempt in doubt comes to:
 *
 * - an attempt is recorded before its create is sent, with when it started and the connection it
 *   went to; its writes are logged (`AttemptLog`): a create that failed with no write in doubt (a
 *   refused connection, a 4xx) made nothing, and its record is dropped so that a retry just sends;
 * - one that failed after a write may have taken effect is in doubt, and so is one whose lease ran
 *   out (its process died, or hung past its deadline): a retry looks for the record in the CRM
 *   (`CreatedLookup`), looking back `CLOCK_SKEW_MS` before the start;
 * - one record found is the attempt's; none, once the lookup's `settleMs` has passed since the
 *   attempt ended, means it made none, and the retry sends the create; none before then, several,
 *   or a CRM that cannot be searched: the retry is refused, saying why (`Undecided`).
 */

/** A running create's claim outlives its request's deadline by this much, then it is in doubt. */
const LEASE_MARGIN_MS = 5000
/** How far behind the gateway's clock a CRM's may be: a lookup looks this much further back. */
const CLOCK_SKEW_MS = 5 * 60 * 1000

/** A create under way. Past `leaseUntil` its request has surely ended, so it is in doubt from then
 * on, as if it had ended so. */
export interface Running {
  readonly state: 'running'
  /** Which attempt holds the record: only it may change it (a compare and set). */
  readonly attempt: string
  readonly connection: string
  readonly startedAt: number
  readonly leaseUntil: number
}

/** A create that may have made its record in the CRM of `connection`, without its answer. */
export interface InDoubt {
  readonly state: 'doubt'
  readonly attempt: string
  readonly connection: string
  readonly startedAt: number
  readonly endedAt: number
}

/** A new attempt on `connection`, leased until its request's `deadline` has surely passed. */
export function running(connection: string, deadline: number, now: number): Running {
  return { state: 'running', attempt: randomBytes(9).toString('base64url'), connection, startedAt: now, leaseUntil: Math.max(now, deadline) + LEASE_MARGIN_MS }
}

/** `held` (with whatever else its keeper keeps in it) in doubt since `endedAt`. */
export function doubtOf<R extends Running>(held: R, endedAt: number): Omit<R, 'state' | 'leaseUntil'> & InDoubt {
  const { state: _, leaseUntil: __, ...rest } = held
  return { ...rest, state: 'doubt', endedAt }
}

/** How a create ended: its value, or its error and whether one of its writes may have taken effect. */
export type Sent<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown; readonly inDoubt: boolean }

/** Sends a create, its writes logged; never rejects. */
export async function send<T>(create: (writes: WriteLog) => Promise<T>): Promise<Sent<T>> {
  const log = new AttemptLog()
  try {
    return { ok: true, value: await create(log) }
  } catch (error) {
    return { ok: false, error, inDoubt: log.inDoubt }
  }
}

/** What a lookup in the CRM of a connection found: the records, and its `settleMs`. */
export interface Found<T> {
  readonly records: readonly T[]
  readonly settleMs: number
}

/** Looks in the CRM of `connection` for the records made at `createdAfter` or later; `undefined`
 * when that CRM cannot be searched so (or the connection is gone). */
export type FindCreated<T> = (connection: string, createdAfter: number) => Promise<Found<T> | undefined>

/** Why an attempt in doubt can be neither answered nor sent again, for the caller to word. */
export type Undecided =
  | { readonly why: 'unsearchable' }
  | { readonly why: 'several'; readonly count: number }
  | { readonly why: 'not yet'; readonly retryAfterSeconds: number }

export type Verdict<T> = { readonly found: T } | { readonly send: true } | { readonly undecided: Undecided }

/** What `doubt` comes to, by a lookup in the CRM it went to (the rules above). */
export async function judge<T>(doubt: InDoubt, find: FindCreated<T>, now: () => number): Promise<Verdict<T>> {
  const found = await find(doubt.connection, doubt.startedAt - CLOCK_SKEW_MS)
  if (!found) return { undecided: { why: 'unsearchable' } }
  const [record, ...others] = found.records
  if (record !== undefined && others.length > 0) return { undecided: { why: 'several', count: found.records.length } }
  if (record !== undefined) return { found: record }
  const wait = doubt.endedAt + found.settleMs - now()
  return wait > 0 ? { undecided: { why: 'not yet', retryAfterSeconds: Math.ceil(wait / 1000) } } : { send: true }
}
