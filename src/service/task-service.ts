import type { CallOptions, NativeTask, NativeTaskInput, NativeTaskPatch } from '../adapter/v1.ts'
import type { Connection } from '../runtime/connections.ts'
import { parseDueDate } from './dates.ts'
import { BadRequestError, BatchTooLargeError, TaskNotFoundError } from '../errors.ts'
import { type FanOutItem, fanOut, resultKey } from './fanout.ts'
import { decodeTaskId } from './ids.ts'
import type { Tenant } from '../runtime/runtime.ts'
import type { Task, TaskCreate, TaskPatch } from '../http/schemas/tasks.ts'
import { fromNative } from './task-answer.ts'

const WRITABLE = ['subject', 'description', 'type', 'ownerId', 'contactId', 'companyId', 'dueDate'] as const

/**
 * The contract's semantics on top of adapters: ids in and out, type mapping, due dates in UTC,
 * batches through the fan-out. Routes call this; it never sees HTTP.
 */
export class TaskService {
  constructor(private readonly maxBatchIds: number) {}

  async create(tenant: Tenant, body: TaskCreate, options: CallOptions): Promise<Task> {
    const connection = tenant.active
    const input = toNativeInput(connection, body, options) as NativeTaskInput
    return fromNative(connection, await connection.store.create(input, options), options)
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
    const patch = toNativeInput(connection, body, options)
    if (body.completed !== undefined) patch.completed = body.completed
    const updated = await connection.store.update(nativeId, patch, options)
    if (!updated) throw new TaskNotFoundError()
    return fromNative(connection, updated, options, nativeId)
  }

  async getMany(tenant: Tenant, ids: readonly string[], options: CallOptions): Promise<Task[]> {
    const items = this.resolveBatch(tenant, ids)
    const found = await fanOut(
      items,
      (connection) => connection.adapter.capabilities.maxBatchRead,
      (connection, chunk, chunkOptions) => connection.store.readChunk(chunk, chunkOptions),
      options,
    )
    return assemble(items, found, options)
  }

  async completeMany(tenant: Tenant, ids: readonly string[], completed: boolean, options: CallOptions): Promise<Task[]> {
    const items = this.resolveBatch(tenant, ids)
    const found = await fanOut(
      items,
      (connection) => connection.adapter.capabilities.maxBatchUpdate,
      (connection, chunk, chunkOptions) => connection.store.completeChunk(chunk, completed, chunkOptions),
      options,
    )
    return assemble(items, found, options)
  }

  /** Unique, decodable ids of connections this tenant may see, in order of first appearance. */
  private resolveBatch(tenant: Tenant, ids: readonly string[]): FanOutItem[] {
    if (ids.length > this.maxBatchIds) throw new BatchTooLargeError(this.maxBatchIds)
    const seen = new Set<string>()
    const items: FanOutItem[] = []
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
 * The connection and native id a caller's id names, if this tenant may see that connection and
 * the id has the form of its CRM's ids. Any other id is not found, and never reaches an adapter.
 */
function locate(tenant: Tenant, id: string): FanOutItem | undefined {
  const decoded = decodeTaskId(id)
  const connection = decoded && tenant.connections.get(decoded.connection)
  if (!connection || !decoded || !connection.adapter.isNativeId(decoded.nativeId)) return undefined
  return { connection, nativeId: decoded.nativeId }
}

function assemble(items: readonly FanOutItem[], found: ReadonlyMap<string, NativeTask>, options: CallOptions): Task[] {
  return items.flatMap(({ connection, nativeId }) => {
    const task = found.get(resultKey(connection.name, nativeId))
    return task ? [fromNative(connection, task, options, nativeId)] : []
  })
}

/** The writable fields present in a request, in the adapter's terms. */
function toNativeInput(connection: Connection, body: TaskPatch, options: CallOptions): NativeTaskPatch {
  const input: NativeTaskPatch = {}
  if (body.subject !== undefined) input.subject = body.subject
  if (body.description !== undefined) input.description = body.description
  if (body.type !== undefined) input.type = connection.types.toCrm(body.type, options.warn)
  if (body.ownerId !== undefined) input.ownerId = body.ownerId
  if (body.contactId !== undefined) input.contactId = body.contactId
  if (body.companyId !== undefined) input.companyId = body.companyId
  if (body.dueDate !== undefined) {
    const due = parseDueDate(body.dueDate)
    if (due === undefined) throw new BadRequestError('body/dueDate must be an ISO 8601 date or date-time')
    input.dueDate = due
  }
  return input
}
