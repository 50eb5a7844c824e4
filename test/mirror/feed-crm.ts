import { Type } from '@sinclair/typebox'
import type { AdapterRegistry } from '../../adapters/index.ts'
import type { Change, ChangePage, NativeTask, TaskPort, WebhookPort, WebhookTarget } from '../../src/kit/spec.ts'
import { isSafeIntegerId } from '../../src/adapter/native-ids.ts'
import { UpstreamBadResponseError, UpstreamUnavailableError } from '../../src/errors.ts'
import { Value } from '@sinclair/typebox/value'

interface Held {
  task?: NativeTask
  modifiedAt: number
  /** When a listing first shows this version: the CRM's listing lag. */
  listableAt: number
}

/**
 * A CRM in the test's process whose task port has a change feed, for the mirror's core rules
 * without HTTP: tasks by integer id, each change stamped with the CRM's clock; a listing of
 * changes `pageSize` at a time, ordered by modification time (with a watermark) or by id
 * (`ordered: false`, none), showing a change only `lagMs` after it was made; deletions listed as
 * such. It counts every call, and a test can make the listing fail or wait.
 */
export class FeedCrm {
  readonly held = new Map<string, Held>()
  readonly calls = { list: 0, get: 0, write: 0 }
  pageSize = 100
  ordered = true
  lagMs = 0
  /** The webhook subscriptions the gateway made. */
  readonly subscriptions: WebhookTarget[] = []
  /** The `since` of every listing, in order. */
  readonly sinces: (number | undefined)[] = []
  /** Called as each listing starts, with how many there were. */
  onList: ((count: number) => void) | undefined
  /** The feed's `overlapMs`. */
  overlapMs = 0
  /** While set, every listing fails as a CRM that is down. */
  down = false
  /** While set, a listing waits for it. */
  gate: Promise<void> | undefined
  private nextId = 1
  private clock = 0

  /** A task made in the CRM itself. */
  add(fields: Partial<NativeTask> = {}): NativeTask {
    const id = String(this.nextId++)
    const task: NativeTask = { id, subject: `task ${id}`, completed: false, completedAt: null, ...fields }
    this.store(id, task)
    return task
  }

  /** A change made in the CRM itself. */
  change(id: string, fields: Partial<NativeTask>): void {
    this.store(id, { ...this.held.get(id)!.task!, ...fields })
  }

  delete(id: string): void {
    const now = Date.now()
    this.clock = Math.max(now, this.clock + 1)
    this.held.set(id, { modifiedAt: this.clock, listableAt: now + this.lagMs })
  }

  get port(): TaskPort {
    const read = (id: string) => {
      const task = this.held.get(id)?.task
      return task && { ...task }
    }
    const complete = (id: string, completed: boolean) => {
      const task = this.held.get(id)?.task
      if (!task) return undefined
      this.store(id, { ...task, completed, completedAt: completed ? (task.completedAt ?? Date.now()) : null })
      return read(id)
    }
    return {
      capabilities: { maxBatchRead: 100, maxBatchUpdate: 100 },
      isNativeId: isSafeIntegerId,
      doCreate: async (input) => {
        this.calls.write++
        return read(this.add(input).id)!
      },
      doGetMany: async (ids) => {
        this.calls.get++
        return ids.flatMap((id) => read(id) ?? [])
      },
      doUpdate: async (id, patch) => {
        this.calls.write++
        const { completed, ...fields } = patch
        if (!this.held.get(id)?.task) return null
        this.change(id, fields)
        return completed === undefined ? read(id)! : complete(id, completed)!
      },
      doCompleteMany: async (ids, completed) => {
        this.calls.write++
        return ids.flatMap((id) => complete(id, completed) ?? [])
      },
      changes: { overlapMs: this.overlapMs, doListChanged: (since, cursor) => this.list(since, cursor) },
    }
  }

  private store(id: string, task: NativeTask): void {
    // The CRM's clock ticks at least a millisecond between two changes, as a change log's does.
    const modifiedAt = Math.max(Date.now(), this.clock + 1)
    this.clock = modifiedAt
    this.held.set(id, { task: { ...task, modifiedAt }, modifiedAt, listableAt: Date.now() + this.lagMs })
  }

  /**
   * An ordered listing pages by its last moment (`moment:skip`: changes from that moment on, less
   * the `skip` already listed at it), as a search from a watermark does: a record changed while
   * the listing pages moves behind the others and is listed later, and none is passed over. An
   * unordered one pages by offset, in id order, as a list does.
   */
  private async list(since: number | undefined, cursor: string | undefined): Promise<ChangePage<NativeTask>> {
    this.calls.list++
    this.sinces.push(since)
    await this.gate
    if (this.down) throw new UpstreamUnavailableError('the feed CRM is down')
    const [fromText, skipText] = cursor?.split(':') ?? []
    const from = cursor === undefined ? since : fromText === '' ? undefined : Number(fromText)
    const skip = cursor === undefined ? 0 : Number(skipText)
    this.onList?.(this.calls.list)
    const now = Date.now()
    const listable = [...this.held.entries()]
      .filter(([, held]) => held.listableAt <= now && (from === undefined || held.modifiedAt >= from))
      .sort(([a, x], [b, y]) => (this.ordered ? x.modifiedAt - y.modifiedAt : 0) || Number(a) - Number(b))
    const page = listable.slice(skip, skip + this.pageSize)
    const changes: Change<NativeTask>[] = page.map(([id, held]) => (held.task ? { record: { ...held.task }, modifiedAt: held.modifiedAt } : { deleted: id, modifiedAt: held.modifiedAt }))
    if (!this.ordered) {
      const more = skip + this.pageSize < listable.length
      return { changes, ...(more && { cursor: `${from ?? ''}:${skip + this.pageSize}` }) }
    }
    const last = page.at(-1)?.[1].modifiedAt
    if (last === undefined) return { changes }
    const atLast = page.filter(([, held]) => held.modifiedAt === last).length + (last === from ? skip : 0)
    const more = skip + this.pageSize < listable.length
    return { changes, watermark: last, ...(more && { cursor: `${last}:${atLast}` }) }
  }
}

/** An event as the feed CRM delivers it: a task whole, or its deletion, with its moment. */
const Event = Type.Object({ id: Type.String({ pattern: '^[1-9]\\d*$' }), modifiedAt: Type.Integer(), subject: Type.Optional(Type.String()), deleted: Type.Optional(Type.Boolean()) })

/** The webhooks of the feed CRM: subscriptions it remembers, events read by `Event`. */
export function feedWebhooks(crm: FeedCrm): WebhookPort {
  return {
    baseUrl: 'https://gateway.example/',
    doSubscribe: async (target) => {
      crm.subscriptions.push(target)
    },
    doParse: async (body) => {
      if (!Value.Check(Event, body)) throw new UpstreamBadResponseError('not a feed CRM event')
      const { id, modifiedAt, subject, deleted } = body
      if (deleted) return [{ kind: 'tasks', change: { deleted: id, modifiedAt } }]
      const task: NativeTask = { id, subject: subject ?? '', completed: false, completedAt: null, modifiedAt }
      return [{ kind: 'tasks', change: { record: task, modifiedAt } }]
    },
  }
}

/** A registry with `feedy`: the adapter of `crm`, serving tasks only, and its webhooks with `webhooks: true`. */
export function feedRegistry(crm: FeedCrm): AdapterRegistry {
  return {
    feedy: async () => ({
      options: Type.Object({ webhooks: Type.Boolean({ default: false }) }),
      create: (options) => ({
        specificationVersion: 'v2',
        adapter: 'feedy',
        tasks: crm.port,
        ...((options as { webhooks: boolean }).webhooks && { webhooks: feedWebhooks(crm) }),
      }),
    }),
  }
}
