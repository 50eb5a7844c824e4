import type { WriteLog } from '../kit/spec.ts'
import {
  IdempotencyKeyInDoubtError,
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  IdempotencyStoreFullError,
  IdempotencyStoreUnavailableError,
} from '../errors.ts'
import type { Task, TaskCreate } from '../contract/tasks.ts'
import { type Done, type InDoubt, type Running, bodyHash, doneEntry, storedTask } from './entry.ts'
import { LocalKeys } from './local-store.ts'
import { RedisKeys, RedisUnavailable } from './redis-store.ts'
import type { KeyStore } from './store.ts'
import { type FindCreated, type Sent, type Undecided, doubtOf, judge, running, send } from './lost-creates.ts'
import { type Coordination, RECONNECT_MAX_MS } from '../coordination/redis.ts'

export { KEEP_MS } from './entry.ts'

/** A tenant's share of the store, by default: some 5,000 done keys (800 bytes each, measured on
 * HubSpot tasks with every field), or 2,000 creates under way (each is charged the most it may take). */
export const TENANT_BYTES = 4 * 1024 * 1024
const POLL_MS = 50
/** A Redis back up is found within this (`redis.ts`): when a keyed create refused meanwhile may try again. */
const UNREACHABLE_RETRY_S = Math.ceil(RECONNECT_MAX_MS / 1000)

export interface Replay {
  readonly task: Task
  readonly replayed: boolean
}

/** What a keyed create can do: the route's side of it. */
export interface KeyedCreate {
  /** The connection a new create goes to. */
  readonly connection: string
  /** Sends the create; each write that may reach the CRM is told to `writes`. */
  create(writes: WriteLog): Promise<Task>
  /** The tasks this body makes that a connection's CRM holds, created at `createdAfter` or later,
   * and how long after an attempt its answer is sure; `undefined` when that CRM cannot tell. */
  readonly find: FindCreated<Task>
  /** The task of `id` as it is now, for a done key that kept only the task's id. */
  read(id: string): Promise<Task>
}

interface Keyed {
  readonly tenant: string
  readonly key: string
  readonly body: TaskCreate
  readonly hash: string
  readonly deadline: number
  readonly keyed: KeyedCreate
}

/**
 * `POST /tasks` with an `Idempotency-Key`, per tenant and key, kept 24 hours:
 *
 * - the first request claims the key and sends the create. Done, the key keeps its answer, and a
 *   repeat with the same body gets it (`replayed`) without a call to the CRM; with another body, a
 *   422. A repeat while it runs waits for it, or gets a 409 at its own deadline.
 * - a create that failed before any of its writes could take effect (a refused connection, a
 *   4xx) keeps nothing, so a repeat sends it again.
 * - a create that failed after a write may have taken effect (a timeout, a dropped connection, a
 *   5xx after sending) is **in doubt**, and so is one whose request vanished (a replica that
 *   died). It is never sent again blindly: a repeat looks for its task in the CRM
 *   (`CreatedTaskLookup`) and answers it; once the lookup is sure the first made none, the repeat
 *   sends the create; until then, or where the CRM cannot be searched, a 409 says why. What an
 *   attempt in doubt comes to is `lost-creates.ts`'s rule, the same for every kind of create.
 *
 * In Redis when replicas share it, else in this process; a tenant's keys are bounded in bytes and
 * make room only among its own done keys (`idempotency-store.ts`). With Redis configured and
 * unreachable, a keyed create is refused (503 with `Retry-After`) and nothing is sent: another
 * replica may hold the key, and this one cannot tell. Keeping keys in this process meanwhile made
 * a task on each replica a repeat reached, and a refused create costs a retry where a second task
 * costs a salesperson's confusion. Redis failing once a request has seen the key there is a 409:
 * the first attempt may have made the task.
 */
export class Idempotency {
  private readonly store: KeyStore
  /** This process's creates under way, by tenant and key: a repeat here awaits them, not polls. */
  private readonly running = new Map<string, Promise<unknown>>()
  private readonly now: () => number

  constructor(
    private readonly coordination?: Coordination,
    options: { readonly maxBytesPerTenant?: number; readonly now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now
    const bytes = options.maxBytesPerTenant ?? TENANT_BYTES
    this.store = coordination ? new RedisKeys(coordination, bytes, this.now) : new LocalKeys(bytes, this.now)
  }

  async create(tenant: string, key: string, body: TaskCreate, deadline: number, keyed: KeyedCreate): Promise<Replay> {
    const k: Keyed = { tenant, key, body, hash: bodyHash(body), deadline, keyed }
    if (this.coordination && this.coordination.state !== 'shared') throw new IdempotencyStoreUnavailableError(UNREACHABLE_RETRY_S)
    const pending = this.pending(k)
    let held: Awaited<ReturnType<KeyStore['claim']>>
    try {
      held = await this.store.claim(tenant, key, pending)
    } catch (error) {
      if (error instanceof RedisUnavailable) throw new IdempotencyStoreUnavailableError(UNREACHABLE_RETRY_S, { cause: error })
      throw error
    }
    return this.unreachableIsDoubt(() => this.settle(k, pending, held))
  }

  /** The bytes a tenant's keys are charged. */
  async bytes(tenant: string): Promise<number> {
    return this.store.bytes(tenant)
  }

  /** What claiming the key gave (`held`) made into an answer, claiming again as long as needed. */
  private async settle(k: Keyed, pending: Running, held: Awaited<ReturnType<KeyStore['claim']>>): Promise<Replay> {
    for (;;) {
      if (held === 'full') throw new IdempotencyStoreFullError()
      if (held === 'claimed') return this.first(k, pending)
      if (held.hash !== k.hash) throw new IdempotencyKeyReusedError()
      if (held.state === 'done') return this.replay(k, held)
      if (held.state === 'running' && held.leaseUntil > this.now()) await this.wait(k)
      else {
        const outcome = await this.recover(k, held)
        if (outcome) return outcome
      }
      pending = this.pending(k)
      held = await this.store.claim(k.tenant, k.key, pending)
    }
  }

  /** The first attempt under the key (or the one after an attempt that surely made nothing). */
  private async first(k: Keyed, pending: Running): Promise<Replay> {
    const id = `${k.tenant}\u0000${k.key}`
    const attempt = send(k.keyed.create)
    this.running.set(id, attempt)
    const sent: Sent<Task> = await attempt.finally(() => this.running.delete(id))
    if (sent.ok) {
      await quietly(this.store.replace(k.tenant, k.key, pending.attempt, doneEntry(k.hash, pending.attempt, sent.value, k.body)))
      return { task: sent.value, replayed: false }
    }
    // A store that fails here leaves the claim to end as its lease does: in doubt, never lost.
    if (sent.inDoubt) await quietly(this.store.replace(k.tenant, k.key, pending.attempt, doubtOf(pending, this.now())))
    else await quietly(this.store.release(k.tenant, k.key, pending.attempt))
    throw sent.error
  }

  private async replay(k: Keyed, done: Done): Promise<Replay> {
    return { task: storedTask(done.answer, k.body) ?? (await k.keyed.read((done.answer as { id: string }).id)), replayed: true }
  }

  /** Until the running attempt ends (in this process), or for a while (elsewhere). */
  private async wait(k: Keyed): Promise<void> {
    const left = k.deadline - this.now()
    const here = this.running.get(`${k.tenant}\u0000${k.key}`)
    if (here) return beforeDeadline(here, left)
    if (left <= POLL_MS) throw new IdempotencyKeyInFlightError()
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }

  /**
   * An attempt in doubt (or whose lease ran out): its task, found in the CRM; or, once the CRM
   * is sure it holds none, a new attempt; or a 409 saying why neither. `undefined` when another
   * request changed the key meanwhile: the caller looks again.
   */
  private async recover(k: Keyed, held: Running | InDoubt): Promise<Replay | undefined> {
    const doubt = held.state === 'doubt' ? held : doubtOf(held, held.leaseUntil)
    if (held.state === 'running' && !(await this.store.replace(k.tenant, k.key, held.attempt, doubt))) return undefined
    const verdict = await judge(doubt, k.keyed.find, this.now)
    if ('undecided' in verdict) throw inDoubt(verdict.undecided, `the CRM of connection "${doubt.connection}"`)
    if ('found' in verdict) {
      await quietly(this.store.replace(k.tenant, k.key, doubt.attempt, doneEntry(k.hash, doubt.attempt, verdict.found, k.body)))
      return { task: verdict.found, replayed: true }
    }
    const pending = this.pending(k)
    if (!(await this.store.replace(k.tenant, k.key, doubt.attempt, pending))) return undefined
    return this.first(k, pending)
  }

  private pending(k: Keyed): Running {
    return { ...running(k.keyed.connection, k.deadline, this.now()), hash: k.hash }
  }

  /** Redis failing after the key was seen there: nothing in this process knows of it, so the
   * honest answer is that the first attempt may have made the task. */
  private async unreachableIsDoubt(work: () => Promise<Replay>): Promise<Replay> {
    try {
      return await work()
    } catch (error) {
      if (error instanceof RedisUnavailable) throw new IdempotencyKeyInDoubtError('the store the replicas share is unreachable: retry later', 1, { cause: error })
      throw error
    }
  }
}

/** The 409 of a key whose first create may have made its task, and why the gateway cannot tell. */
function inDoubt(undecided: Undecided, crm: string): IdempotencyKeyInDoubtError {
  switch (undecided.why) {
    case 'unsearchable':
      return new IdempotencyKeyInDoubtError(`${crm} cannot be searched for it: look there, and if it is missing create it with another key`)
    case 'several':
      return new IdempotencyKeyInDoubtError(`${undecided.count} tasks of ${crm} match it: the gateway cannot tell which`)
    case 'not yet':
      return new IdempotencyKeyInDoubtError(`${crm} does not show it yet, though it may still: retry after ${undecided.retryAfterSeconds} s`, undecided.retryAfterSeconds)
  }
}

/** A change of the store that may fail without changing the request's answer. */
async function quietly(change: Promise<unknown>): Promise<void> {
  await change.catch((error: unknown) => {
    if (!(error instanceof RedisUnavailable)) throw error
  })
}

/** Until `running` settles, whichever way, or `ms` pass (a 409). */
async function beforeDeadline(running: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IdempotencyKeyInFlightError()), Math.max(0, ms))
  })
  try {
    await Promise.race([running.catch(() => {}), late])
  } finally {
    clearTimeout(timer)
  }
}
