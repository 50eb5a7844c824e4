import type { CallOptions, CreateAttempt, NativeTask, NativeTaskInput, NativeTaskPatch, TaskPort } from '../kit/spec.ts'
import type { ConnectionCore } from '../config/schema.ts'
import type { Mirror } from '../mirror/mirror.ts'
import { Coalescer } from '../tools/coalesce.ts'
import { BoundedMap } from '../tools/bounded-map.ts'
import { KeyedLock } from '../tools/keyed-lock.ts'
import type { FairLimit } from '../tools/fair-limit.ts'

/** How many task ids the store remembers the last writes of: far more than are written at once. */
const WRITES_KEPT = 100_000

/**
 * A connection's way to its task port, with the two savings on the CRM's budget: concurrent single
 * reads (and single completions, where the CRM has a batch update) gathered into native batches,
 * and an optional bounded read cache that every write through the gateway updates at once. Every
 * adapter call runs under the connection's concurrency limit, and leaves its queue when the
 * request is cancelled or past its deadline.
 *
 * The rules of sharing, which this module owns (the coalescer's own are in `coalesce.ts`):
 * - **writes are never shared, and never overtake**: the writes of one task (an update, a
 *   completion, a batch completion that includes it) run one after the other, in arrival order;
 *   single completions of different tasks may still go out in one batch. So complete / reopen /
 *   complete ends completed, and the caller told "completed" is right.
 * - **a read never answers what a finished write replaced**: reads joined by later callers must
 *   have started after the last write of that task finished (a per-task write sequence).
 * - **the cache keeps a read only if no write of that task started after the read did**: a slow
 *   read cannot put back what a write just changed; writes put their own outcome in the cache.
 * - **the mirror, where the connection has one, is asked before the cache and the CRM**, and every
 *   write puts its outcome in it before answering (its own rules are in `src/mirror/mirror.ts`).
 */
export class TaskStore {
  private readonly cache: BoundedMap<string, NativeTask> | undefined
  private readonly reads: Coalescer<NativeTask> | undefined
  private readonly completions: Record<'true' | 'false', Coalescer<NativeTask>> | undefined
  private readonly writes: KeyedLock
  private sequence = 0
  private readonly writeStarted = new BoundedMap<string, number>({ max: WRITES_KEPT })
  private readonly writeFinished = new BoundedMap<string, number>({ max: WRITES_KEPT })

  constructor(
    private readonly adapter: TaskPort,
    readonly limit: FairLimit,
    settings: Pick<ConnectionCore, 'coalesce' | 'cache'>,
    connection: string,
    private readonly mirror?: Mirror,
  ) {
    const { maxBatchRead, maxBatchUpdate } = adapter.capabilities
    const { coalesce, cache } = settings
    this.writes = new KeyedLock(connection)
    if (cache.max > 0) this.cache = new BoundedMap({ max: cache.max, ttlMs: cache.ttlMs })
    const clock = {
      now: () => this.sequence,
      fresh: (id: string, started: number) => (this.writeFinished.get(id) ?? 0) <= started,
    }
    if (coalesce.enabled && maxBatchRead > 1) {
      this.reads = new Coalescer((ids, options) => this.fetch(ids, options).then(byId), maxBatchRead, coalesce.windowMs, connection, clock)
    }
    if (coalesce.enabled && maxBatchUpdate > 1) {
      // A write never joins another in flight: `fresh` is always false for completions.
      const never = { now: clock.now, fresh: () => false }
      const completing = (completed: boolean) =>
        new Coalescer<NativeTask>(
          (ids, options) => this.run(options, () => this.adapter.doCompleteMany(ids, completed, options)).then(byId),
          maxBatchUpdate,
          coalesce.windowMs,
          connection,
          never,
        )
      this.completions = { true: completing(true), false: completing(false) }
    }
  }

  async create(input: NativeTaskInput, options: CallOptions): Promise<NativeTask> {
    const created = await this.run(options, () => this.adapter.doCreate(input, options))
    this.cache?.set(created.id, created)
    await this.mirror?.wrote('tasks', [created])
    return created
  }

  /** The tasks a create that ended in doubt may have made (`CreatedTaskLookup`), where the adapter
   * can look; `undefined` where it cannot. */
  findCreated(attempt: CreateAttempt<NativeTaskInput>, options: CallOptions): Promise<NativeTask[]> | undefined {
    const lookup = this.adapter.createdLookup
    return lookup && this.run(options, () => lookup.doFind(attempt, options))
  }

  /** One task, through the read coalescer when the CRM reads in batches. */
  async readOne(id: string, options: CallOptions): Promise<NativeTask | undefined> {
    const held = await this.mirror?.read<NativeTask>('tasks', [id])
    if (held?.found.has(id) || held?.gone.has(id)) return held.found.get(id)
    const cached = this.cache?.get(id)
    if (cached) return cached
    if (this.reads) return this.reads.load(id, options)
    const [found] = await this.fetch([id], options)
    return found
  }

  /** At most `maxBatchRead` tasks; the caller (the fan-out) holds the concurrency limit. */
  async readChunk(ids: readonly string[], options: CallOptions): Promise<NativeTask[]> {
    const held = await this.mirror?.read<NativeTask>('tasks', ids)
    const cached: NativeTask[] = []
    const missing: string[] = []
    for (const id of ids) {
      if (held?.gone.has(id)) continue
      const task = held?.found.get(id) ?? this.cache?.get(id)
      if (task) cached.push(task)
      else missing.push(id)
    }
    if (missing.length === 0) return cached
    const started = this.sequence
    return [...cached, ...this.remember(await this.adapter.doGetMany(missing, options), started)]
  }

  async update(id: string, patch: NativeTaskPatch, options: CallOptions): Promise<NativeTask | null> {
    const onlyCompletion = Object.keys(patch).length === 1 && patch.completed !== undefined
    return this.write([id], options, async () => {
      if (onlyCompletion && this.completions) {
        return (await this.completions[String(patch.completed) as 'true' | 'false'].load(id, options)) ?? null
      }
      return this.run(options, () => this.adapter.doUpdate(id, patch, options))
    }).then((updated) => {
      if (!updated) this.cache?.delete(id)
      return updated
    })
  }

  /** At most `maxBatchUpdate` tasks; the caller (the fan-out) holds the concurrency limit. */
  async completeChunk(ids: readonly string[], completed: boolean, options: CallOptions): Promise<NativeTask[]> {
    return this.write(ids, options, () => this.adapter.doCompleteMany(ids, completed, options))
  }

  /** A write of these tasks, after the writes of them before it; its outcome goes to the cache. */
  private async write<T extends NativeTask | NativeTask[] | null>(ids: readonly string[], options: CallOptions, work: () => Promise<T>): Promise<T> {
    return this.writes.run(ids, options, async () => {
      const started = ++this.sequence
      for (const id of ids) this.writeStarted.set(id, started)
      try {
        const outcome = await work()
        const tasks: NativeTask[] = outcome === null ? [] : Array.isArray(outcome) ? outcome : [outcome as NativeTask]
        for (const task of tasks) this.cache?.set(task.id, task)
        await this.mirror?.wrote('tasks', tasks)
        // A task the CRM did not answer for is missing there; the next read finds out for sure.
        const answered = new Set(tasks.map((task) => task.id))
        await this.mirror?.unsure('tasks', ids.filter((id) => !answered.has(id)))
        return outcome
      } catch (error) {
        for (const id of ids) this.cache?.delete(id)
        await this.mirror?.unsure('tasks', ids)
        throw error
      } finally {
        const finished = ++this.sequence
        for (const id of ids) this.writeFinished.set(id, finished)
      }
    })
  }

  private fetch(ids: readonly string[], options: CallOptions): Promise<NativeTask[]> {
    const started = this.sequence
    return this.run(options, async () => this.remember(await this.adapter.doGetMany(ids, options), started))
  }

  private run<T>(options: CallOptions, work: () => Promise<T>): Promise<T> {
    return this.limit.run(options, work)
  }

  /** Caches what a read started at `started` found, but not a task written since it started. */
  private remember(tasks: NativeTask[], started: number): NativeTask[] {
    if (this.cache) {
      for (const task of tasks) if ((this.writeStarted.get(task.id) ?? 0) <= started) this.cache.set(task.id, task)
    }
    return tasks
  }
}

function byId(tasks: readonly NativeTask[]): Map<string, NativeTask> {
  return new Map(tasks.map((task) => [task.id, task]))
}
