import { LRUCache } from 'lru-cache'
import type { LimitFunction } from 'p-limit'
import type { CallOptions } from '../adapter/common.ts'
import type { NativeTask, NativeTaskInput, NativeTaskPatch } from '../adapter/tasks.ts'
import type { TaskPort } from '../adapter/tasks.ts'
import { Coalescer } from './coalesce.ts'
import type { ConnectionCore } from '../config/schema.ts'

/**
 * A connection's way to its adapter, with the two savings on the CRM's budget: concurrent single
 * reads (and single completions, where the CRM has a batch update) coalesced into native batches,
 * and an optional bounded read cache that every write through the gateway updates at once.
 * Every adapter call runs under the connection's concurrency limit.
 */
export class TaskStore {
  private readonly cache: LRUCache<string, NativeTask> | undefined
  private readonly reads: Coalescer<NativeTask> | undefined
  private readonly completions: Record<'true' | 'false', Coalescer<NativeTask>> | undefined

  constructor(
    private readonly adapter: TaskPort,
    readonly limit: LimitFunction,
    settings: Pick<ConnectionCore, 'coalesce' | 'cache'>,
  ) {
    const { maxBatchRead, maxBatchUpdate } = adapter.capabilities
    const { coalesce, cache } = settings
    if (cache.max > 0) this.cache = new LRUCache({ max: cache.max, ttl: cache.ttlMs })
    if (coalesce.enabled && maxBatchRead > 1) {
      this.reads = new Coalescer((ids, options) => this.fetch(ids, options).then(byId), maxBatchRead, coalesce.windowMs)
    }
    if (coalesce.enabled && maxBatchUpdate > 1) {
      const completing = (completed: boolean) =>
        new Coalescer<NativeTask>(
          (ids, options) => this.limit(() => this.adapter.doCompleteMany(ids, completed, options)).then((t) => byId(this.remember(t))),
          maxBatchUpdate,
          coalesce.windowMs,
        )
      this.completions = { true: completing(true), false: completing(false) }
    }
  }

  async create(input: NativeTaskInput, options: CallOptions): Promise<NativeTask> {
    const [created] = this.remember([await this.limit(() => this.adapter.doCreate(input, options))])
    return created!
  }

  /** One task, through the read coalescer when the CRM reads in batches. */
  async readOne(id: string, options: CallOptions): Promise<NativeTask | undefined> {
    const cached = this.cache?.get(id)
    if (cached) return cached
    if (this.reads) return this.reads.load(id, options)
    const [found] = await this.fetch([id], options)
    return found
  }

  /** At most `maxBatchRead` tasks; the caller (the fan-out) holds the concurrency limit. */
  async readChunk(ids: readonly string[], options: CallOptions): Promise<NativeTask[]> {
    const cached = ids.flatMap((id) => this.cache?.get(id) ?? [])
    if (cached.length === ids.length) return cached
    const missing = this.cache ? ids.filter((id) => !this.cache!.has(id)) : ids
    return [...cached, ...this.remember(await this.adapter.doGetMany(missing, options))]
  }

  async update(id: string, patch: NativeTaskPatch, options: CallOptions): Promise<NativeTask | null> {
    const onlyCompletion = Object.keys(patch).length === 1 && patch.completed !== undefined
    if (onlyCompletion && this.completions) {
      return (await this.completions[String(patch.completed) as 'true' | 'false'].load(id, options)) ?? null
    }
    const updated = await this.limit(() => this.adapter.doUpdate(id, patch, options))
    if (!updated) {
      this.cache?.delete(id)
      return null
    }
    return this.remember([updated])[0]!
  }

  /** At most `maxBatchUpdate` tasks; the caller (the fan-out) holds the concurrency limit. */
  async completeChunk(ids: readonly string[], completed: boolean, options: CallOptions): Promise<NativeTask[]> {
    for (const id of ids) this.cache?.delete(id)
    return this.remember(await this.adapter.doCompleteMany(ids, completed, options))
  }

  private fetch(ids: readonly string[], options: CallOptions): Promise<NativeTask[]> {
    return this.limit(async () => this.remember(await this.adapter.doGetMany(ids, options)))
  }

  private remember(tasks: NativeTask[]): NativeTask[] {
    if (this.cache) for (const task of tasks) this.cache.set(task.id, task)
    return tasks
  }
}

function byId(tasks: readonly NativeTask[]): Map<string, NativeTask> {
  return new Map(tasks.map((task) => [task.id, task]))
}
