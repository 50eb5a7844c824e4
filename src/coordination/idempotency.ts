import { createHash } from 'node:crypto'
import { BoundedMap } from '../service/bounded-map.ts'
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from '../errors.ts'
import type { Task, TaskCreate } from '../http/schemas/tasks.ts'
import type { Coordination } from './redis.ts'

/** How long the first outcome of a create is kept for its `Idempotency-Key`. */
export const KEEP_MS = 24 * 60 * 60 * 1000
const POLL_MS = 50

export interface Replay {
  readonly task: Task
  readonly replayed: boolean
}

type Entry = { hash: string; task?: Task }

/**
 * `POST /tasks` with an `Idempotency-Key`: the first successful outcome is kept 24 hours per
 * tenant and key. A repeat with the same body gets the same task without a call to the CRM; with
 * another body, a 422; while the first is still running, it waits for it, or gets a 409 if that
 * does not finish before its own deadline. A failed create keeps nothing, so it can be retried.
 * In this process without Redis; in Redis with it, so two replicas agree.
 */
export class Idempotency {
  private readonly local = new BoundedMap<string, Entry>({ max: 100_000, ttlMs: KEEP_MS })
  private readonly running = new Map<string, Promise<Task>>()

  constructor(private readonly coordination?: Coordination) {}

  async create(
    tenant: string,
    key: string,
    body: TaskCreate,
    deadline: number,
    create: () => Promise<Task>,
  ): Promise<Replay> {
    const id = `${tenant}\u0000${key}`
    const hash = bodyHash(body)
    if (this.coordination?.state === 'shared') {
      try {
        return await this.shared(this.coordination, id, hash, deadline, create)
      } catch (error) {
        if (!(error instanceof RedisUnavailable)) throw error
      }
    }
    return this.inProcess(id, hash, deadline, create)
  }

  private async inProcess(id: string, hash: string, deadline: number, create: () => Promise<Task>): Promise<Replay> {
    const entry = this.local.get(id)
    if (entry && entry.hash !== hash) throw new IdempotencyKeyReusedError()
    if (entry?.task) return { task: entry.task, replayed: true }
    const running = this.running.get(id)
    if (running) return { task: await beforeDeadline(running, deadline), replayed: true }
    this.local.set(id, { hash })
    const first = create()
    this.running.set(id, first)
    try {
      const task = await first
      this.local.set(id, { hash, task })
      return { task, replayed: false }
    } catch (error) {
      this.local.delete(id)
      throw error
    } finally {
      this.running.delete(id)
    }
  }

  private async shared(coordination: Coordination, id: string, hash: string, deadline: number, create: () => Promise<Task>): Promise<Replay> {
    const redisKey = coordination.key('idem', createHash('sha256').update(id).digest('base64url'))
    const redis = coordination.redis
    // A pending claim lives only as long as the request that made it could; the outcome, 24 hours.
    const claimMs = Math.max(1000, deadline - Date.now() + 5000)
    const claimed = await redis.set(redisKey, JSON.stringify({ hash }), 'PX', claimMs, 'NX').catch(unavailable)
    if (claimed === 'OK') {
      try {
        const task = await create()
        await redis.set(redisKey, JSON.stringify({ hash, task }), 'PX', KEEP_MS).catch(() => {})
        return { task, replayed: false }
      } catch (error) {
        await redis.del(redisKey).catch(() => {})
        throw error
      }
    }
    for (;;) {
      const text = await redis.get(redisKey).catch(unavailable)
      if (text === null) return this.shared(coordination, id, hash, deadline, create)
      const entry = JSON.parse(text) as Entry
      if (entry.hash !== hash) throw new IdempotencyKeyReusedError()
      if (entry.task) return { task: entry.task, replayed: true }
      if (Date.now() + POLL_MS >= deadline) throw new IdempotencyKeyInFlightError()
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }
}

class RedisUnavailable extends Error {}

function unavailable(): never {
  throw new RedisUnavailable()
}

async function beforeDeadline(running: Promise<Task>, deadline: number): Promise<Task> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IdempotencyKeyInFlightError()), Math.max(0, deadline - Date.now()))
  })
  try {
    return await Promise.race([running, late])
  } finally {
    clearTimeout(timer)
  }
}

/** The same task is the same known fields with the same values, whatever their order or extras. */
function bodyHash(body: TaskCreate): string {
  const fields = ['subject', 'description', 'type', 'ownerId', 'contactId', 'companyId', 'dueDate'] as const
  return createHash('sha256')
    .update(JSON.stringify(fields.map((field) => body[field] ?? null)))
    .digest('base64url')
}
