import type { CallOptions, NativeTask, NativeTaskInput, NativeTaskPatch, TaskPort } from '../kit/spec.ts'
import type { Found } from '../idempotency/lost-creates.ts'
import { BadRequestError, BatchTooLargeError, NotSupportedError, TaskNotFoundError, type UpstreamRateLimitedError } from '../errors.ts'
import type { Task, TaskCreate, TaskPatch } from '../contract/tasks.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import type { TaskStore } from './task-store.ts'
import { parseDueDate } from '../contract/dates.ts'
import { type FanOutItem, byConnection, fanOut, resultKey } from './fanout.ts'
import { decodeId } from '../contract/ids.ts'
import { namingReferences, nativeReference, refuseMissing } from './references.ts'
import { fromNative } from './task-answer.ts'
import { callsWithinBudget } from '../upstream/budget.ts'

const WRITABLE = ['subject', 'description', 'type', 'ownerId', 'contactId', 'companyId', 'dueDate'] as const
const REFERENCES = ['ownerId', 'contactId', 'companyId'] as const

/** A connection that serves tasks, with its task port and store. */
type TaskConnection = Connection & { readonly store: TaskStore; readonly adapter: { readonly tasks: TaskPort } }

/**
 * The contract's semantics on top of adapters: ids in and out, references to contacts, companies
 * and owners, type mapping, due dates in UTC, batches through the fan-out. Routes call this; it
 * never sees HTTP.
 */
export class TaskService {
  constructor(private readonly maxBatchIds: number) {}

  async create(tenant: Tenant, body: TaskCreate, options: CallOptions): Promise<Task> {
    const connection = serving(tenant.active)
    const input = toNativeInput(tenant, connection, body, options) as NativeTaskInput
    await refuseMissing(connection, input, options)
    const created = await connection.store.create(input, options).catch((error: unknown) => {
      throw namingReferences(error, input)
    })
    return fromNative(connection, created, options)
  }

  /**
   * The tasks `connection` holds that a create of `body` made at `createdAfter` or later, and how
   * long after an attempt that answer is sure; `undefined` when that connection is gone from the
   * tenant or its CRM cannot be searched so. For a create whose answer was lost.
   */
  async findCreated(
    tenant: Tenant,
    name: string,
    body: TaskCreate,
    createdAfter: number,
    options: CallOptions,
  ): Promise<Found<Task> | undefined> {
    const connection = tenant.connections.get(name)
    const lookup = connection?.adapter.tasks?.createdLookup
    if (!connection?.store || !lookup) return undefined
    const served = serving(connection)
    const input = toNativeInput(tenant, served, body, options) as NativeTaskInput
    const found = await served.store.findCreated({ input, createdAfter }, options)
    return { records: (found ?? []).map((task) => fromNative(served, task, options)), settleMs: lookup.settleMs }
  }

  async get(tenant: Tenant, id: string, options: CallOptions): Promise<Task> {
    const target = locate(tenant, id)
    const found = target && (await target.connection.store.readOne(target.nativeId, options))
    if (!target || !found) throw new TaskNotFoundError()
    return fromNative(target.connection, found, options, target.nativeId)
  }

  async update(tenant: Tenant, id: string, body: TaskPatch, options: CallOptions): Promise<Task> {
    if (body.completed === undefined && WRITABLE.every((field) => body[field] === undefined)) {
      throw new BadRequestError(`body must have at least one of: completed, ${WRITABLE.join(', ')}`)
    }
    const target = locate(tenant, id)
    if (!target) throw new TaskNotFoundError()
    const { connection, nativeId } = target
    const patch = toNativeInput(tenant, connection, body, options)
    await refuseMissing(connection, patch, options)
    if (body.completed !== undefined) patch.completed = body.completed
    const updated = await connection.store.update(nativeId, patch, options).catch((error: unknown) => {
      throw namingReferences(error, patch)
    })
    if (!updated) throw new TaskNotFoundError()
    return fromNative(connection, updated, options, nativeId)
  }

  async getMany(tenant: Tenant, ids: readonly string[], options: CallOptions): Promise<Task[]> {
    const items = this.resolveBatch(tenant, ids)
    return assemble(items, await this.read(items, options), options)
  }

  /**
   * Completes (or reopens) a batch. Where the CRM has no batch update, a completion costs one call
   * per task, and a big batch may not fit in the CRM's rate limit before the deadline: there the
   * tasks are read first (cheap, many per call) and only those not yet in the wanted state are
   * written, so a retry continues where the last try stopped; and the writes that cannot start
   * before the deadline (keeping a quarter of the window for the connection's other requests) are
   * not attempted: the answer is then a 503 whose `Retry-After` is the time the rest needs.
   */
  async completeMany(tenant: Tenant, ids: readonly string[], completed: boolean, options: CallOptions): Promise<Task[]> {
    const items = this.resolveBatch(tenant, ids)
    const oneByOne = items.filter((item) => item.connection.adapter.tasks.capabilities.maxBatchUpdate === 1)
    const batched = items.filter((item) => item.connection.adapter.tasks.capabilities.maxBatchUpdate > 1)
    const read = oneByOne.length > 1 ? await this.read(oneByOne, options) : undefined
    const done = new Map<string, NativeTask>()
    const toWrite: typeof items = read ? [] : [...oneByOne]
    for (const item of read ? oneByOne : []) {
      const task = read!.get(resultKey(item.connection.name, item.nativeId))
      if (!task) continue
      if (task.completed === completed) done.set(resultKey(item.connection.name, task.id), task)
      else toWrite.push(item)
    }
    const { fits, short } = withinBudget(toWrite, options)
    const written = await fanOut(
      [...batched, ...fits],
      (connection) => serving(connection).adapter.tasks.capabilities.maxBatchUpdate,
      (connection, chunk, chunkOptions) => serving(connection).store.completeChunk(chunk, completed, chunkOptions),
      options,
    )
    if (short) throw short
    for (const [key, task] of written) done.set(key, task)
    return assemble(items, done, options)
  }

  private read(items: readonly FanOutItem[], options: CallOptions): Promise<Map<string, NativeTask>> {
    return fanOut(
      items,
      (connection) => serving(connection).adapter.tasks.capabilities.maxBatchRead,
      (connection, chunk, chunkOptions) => serving(connection).store.readChunk(chunk, chunkOptions),
      options,
    )
  }

  /** Unique, decodable ids of connections this tenant may see, in order of first appearance. */
  private resolveBatch(tenant: Tenant, ids: readonly string[]): (FanOutItem & { connection: TaskConnection })[] {
    if (ids.length > this.maxBatchIds) throw new BatchTooLargeError(this.maxBatchIds)
    const seen = new Set<string>()
    const items: (FanOutItem & { connection: TaskConnection })[] = []
    for (const id of ids) {
      if (seen.has(id)) continue
      seen.add(id)
      const target = locate(tenant, id)
      if (target) items.push(target)
    }
    return items
  }
}

/**
 * The writes that can start before the deadline under each connection's rate limit (the rule is
 * the limiter's: `src/upstream/budget.ts`), and the error for those that cannot, if any.
 */
function withinBudget<T extends FanOutItem>(items: readonly T[], options: CallOptions): { fits: T[]; short?: UpstreamRateLimitedError } {
  const fits: T[] = []
  let short: UpstreamRateLimitedError | undefined
  for (const [connection, group] of byConnection(items, (item) => item)) {
    const budget = callsWithinBudget(connection.name, connection.upstream[0]?.limiter, group.length, options.deadline)
    fits.push(...group.slice(0, budget.fits))
    short ??= budget.short
  }
  return short ? { fits, short } : { fits }
}

function serving(connection: Connection): TaskConnection {
  if (!connection.store || !connection.adapter.tasks) throw new NotSupportedError('tasks', connection.name)
  return connection as TaskConnection
}

/**
 * The connection and native id a caller's id names, if this tenant may see that connection, it
 * serves tasks, and the id has the form of its CRM's ids. Any other id is not found, and never
 * reaches an adapter.
 */
function locate(tenant: Tenant, id: string): { connection: TaskConnection; nativeId: string } | undefined {
  const decoded = decodeId(id)
  const connection = decoded && tenant.connections.get(decoded.connection)
  const tasks = connection?.adapter.tasks
  if (!connection?.store || !tasks || !decoded || !tasks.isNativeId(decoded.nativeId)) return undefined
  return { connection: connection as TaskConnection, nativeId: decoded.nativeId }
}

function assemble(items: readonly FanOutItem[], found: ReadonlyMap<string, NativeTask>, options: CallOptions): Task[] {
  return items.flatMap(({ connection, nativeId }) => {
    const task = found.get(resultKey(connection.name, nativeId))
    return task ? [fromNative(connection, task, options, nativeId)] : []
  })
}

/** The writable fields present in a request, in the adapter's terms. */
function toNativeInput(tenant: Tenant, connection: TaskConnection, body: TaskPatch, options: CallOptions): NativeTaskPatch {
  const input: NativeTaskPatch = {}
  const unsupported = new Set<string>(connection.adapter.tasks.capabilities.unsupportedFields ?? [])
  if (body.subject !== undefined) input.subject = body.subject
  if (body.description !== undefined) input.description = body.description
  // A type the CRM cannot store is warned about once, as unsupported, not also as mapped.
  if (body.type !== undefined && !unsupported.has('type')) input.type = connection.types.toCrm(body.type, options.warn)
  for (const field of REFERENCES) {
    const value = body[field]
    if (value !== undefined) input[field] = nativeReference(tenant, connection, field, value)
  }
  if (body.dueDate !== undefined) {
    const due = parseDueDate(body.dueDate)
    if (due === undefined) throw new BadRequestError('body/dueDate must be an ISO 8601 date or date-time')
    input.dueDate = due
  }
  for (const field of unsupported as Set<keyof NativeTaskPatch>) {
    if (input[field] === undefined && (field !== 'type' || body.type === undefined)) continue
    delete input[field]
    options.warn({ type: 'unsupported', field, message: `the CRM of connection "${connection.name}" has no task ${field}; it is not stored` })
  }
  return input
}
