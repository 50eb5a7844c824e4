import type { CallOptions, NativeTask } from '../kit/spec.ts'
import type { Connection } from '../runtime/connections.ts'
import { formatUtc } from '../contract/dates.ts'
import { UpstreamBadResponseError } from '../errors.ts'
import { encodeId } from '../contract/ids.ts'
import { gatewayReference } from './references.ts'
import { type Task, WritableFields } from '../contract/tasks.ts'

/**
 * A task as a CRM sent it, made into the contract's task. What a CRM sends is held to the
 * contract's limits here, for every adapter alike:
 *
 * - its id must be one of this CRM's ids, and the one asked for: an answer about another record
 *   is the CRM's fault, a 502, never a task under a wrong id;
 * - text longer than the contract allows (`subject`, `description`, `type`) is cut to the limit,
 *   with a warning in the request's log line: the task stays readable and completable;
 * - a reference (`ownerId`, `contactId`, `companyId`) is handed out as the gateway's id of that
 *   record (`hubspot.501`), and one longer than the contract allows is a 502, since a reference
 *   cut short would name another record.
 */
export function fromNative(connection: Connection, native: NativeTask, options: CallOptions, asked?: string): Task {
  const bad = (problem: string) => new UpstreamBadResponseError(`the CRM of connection "${connection.name}" ${problem}`)
  if (asked !== undefined && native.id !== asked) throw bad('answered with another task than the one asked for')
  const id = connection.adapter.tasks?.isNativeId(native.id) ? encodeId(connection.name, native.id) : undefined
  if (!id) throw bad('returned a task id that is not one of its ids')

  const text = (field: 'subject' | 'description' | 'type', value: string) => {
    const max = WritableFields[field].maxLength!
    if (value.length <= max) return value
    options.warn({ type: 'compatibility', field, message: `the CRM holds ${value.length} characters; the contract allows ${max}, the rest is left out` })
    // Not between the two halves of a surrogate pair.
    const end = /[\uD800-\uDBFF]/.test(value[max - 1]!) ? max - 1 : max
    return value.slice(0, end)
  }
  const reference = (field: 'ownerId' | 'contactId' | 'companyId', native: string) => {
    const value = gatewayReference(connection, native)
    if (value.length > WritableFields[field].maxLength!) throw bad(`returned a ${field} longer than the contract allows`)
    return value
  }

  const time = (field: 'dueDate' | 'completedAt', ms: number) => {
    const text = formatUtc(ms)
    if (text === undefined) throw bad(`returned a ${field} that is not a moment of years 0000-9999`)
    return text
  }

  const task: Task = { id, subject: text('subject', native.subject), completed: native.completed, completedAt: null }
  if (native.description !== undefined) task.description = text('description', native.description)
  if (native.type !== undefined) task.type = text('type', connection.types.fromCrm(native.type))
  if (native.ownerId !== undefined) task.ownerId = reference('ownerId', native.ownerId)
  if (native.contactId !== undefined) task.contactId = reference('contactId', native.contactId)
  if (native.companyId !== undefined) task.companyId = reference('companyId', native.companyId)
  if (native.dueDate !== undefined) task.dueDate = time('dueDate', native.dueDate)
  if (native.completedAt !== null) task.completedAt = time('completedAt', native.completedAt)
  return task
}
