import type { CallOptions, NativeTask, NativeTaskPatch, TaskPort, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamRejectedError } from '../../src/kit/utils.ts'
import { isAttioId } from './ids.ts'
import type { ObjectIds } from './objects.ts'
import { READS, WRITES } from './record-calls.ts'
import { type AttioTask, OneTask } from './schemas.ts'
import { taskContent } from './task-content.ts'
import { assignees, deadline, fromTask, linkedRecords } from './task-mapping.ts'

export const TASK = '/v2/tasks/{id}'

/**
 * Attio tasks (https://docs.attio.com/rest-api/endpoint-reference/tasks): one call per task,
 * since Attio reads and updates tasks one at a time (there is no batch read by ids). Tasks have
 * no type. Their content is fixed once created: "only the deadline_at, is_completed,
 * linked_records, and assignees fields can be updated" (`PATCH /v2/tasks/{task_id}` in the
 * OpenAPI file), so a change of the subject or the description is refused with a 422 naming the
 * field, and an edit that sends them unchanged is served. Deleting and recreating the task would
 * change its id, which Enginy keeps.
 */
export function attioTasks(client: UpstreamClient, objects: ObjectIds): TaskPort {
  const read = async (task: AttioTask, options: CallOptions): Promise<NativeTask> => fromTask(task, await objects.slugs(options))
  const get = async (id: string, options: CallOptions) => {
    const answer = await client.json({ method: 'GET', route: TASK, params: { id }, limitGroup: READS, options }, OneTask, 'null')
    return answer && read(answer.data, options)
  }
  const patch = async (id: string, data: Record<string, unknown>, options: CallOptions) => {
    const answer = await client.json({ method: 'PATCH', route: TASK, params: { id }, body: { data }, limitGroup: WRITES, options }, OneTask, 'null')
    return answer && read(answer.data, options)
  }
  return {
    capabilities: { maxBatchRead: 1, maxBatchUpdate: 1, unsupportedFields: ['type'], fixedFields: ['subject', 'description'] },
    isNativeId: isAttioId,
    async doCreate(input, options) {
      const data = {
        content: taskContent(input.subject, input.description),
        format: 'plaintext',
        deadline_at: deadline(input.dueDate),
        is_completed: false,
        linked_records: linkedRecords(input),
        assignees: assignees(input.ownerId),
      }
      const answer = await client.json({ method: 'POST', route: '/v2/tasks', body: { data }, limitGroup: WRITES, options }, OneTask)
      return read(answer.data, options)
    },
    async doGetMany([id], options) {
      const task = await get(id!, options)
      return task ? [task] : []
    },
    async doUpdate(id, change, options) {
      const needsHeld = change.subject !== undefined || change.description !== undefined || (change.contactId === undefined) !== (change.companyId === undefined)
      const held = needsHeld ? await get(id, options) : undefined
      if (held === null) return null
      if (held) refuseContentChange(held, change)
      const data = {
        ...(change.dueDate !== undefined && { deadline_at: deadline(change.dueDate) }),
        ...(change.completed !== undefined && { is_completed: change.completed }),
        // The whole list is replaced: a change of the contact keeps the company, and back.
        ...((change.contactId !== undefined || change.companyId !== undefined) && {
          linked_records: linkedRecords({ contactId: change.contactId ?? held?.contactId, companyId: change.companyId ?? held?.companyId }),
        }),
        ...(change.ownerId !== undefined && { assignees: assignees(change.ownerId) }),
      }
      if (Object.keys(data).length === 0) return held ?? get(id, options)
      return patch(id, data, options)
    },
    async doCompleteMany([id], completed, options) {
      const task = await patch(id!, { is_completed: completed }, options)
      return task ? [task] : []
    },
  }
}

/** A change of the content Attio keeps fixed, refused before anything is written. */
function refuseContentChange(held: NativeTask, change: NativeTaskPatch): void {
  for (const field of ['subject', 'description'] as const) {
    const want = change[field]
    if (want === undefined || want === (held[field] ?? '')) continue
    if (field === 'description' && want === '' && held.description === undefined) continue
    throw new UpstreamRejectedError(`body/${field}: Attio keeps a task's subject and description as they were created; only dueDate, completed, ownerId, contactId and companyId can change`)
  }
}
