import type { CallOptions, NativeTask, NativeTaskPatch, TaskPort, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamRejectedError } from '../../src/kit/utils.ts'
import { isAttioId } from './ids.ts'
import type { ObjectIds } from './objects.ts'
import { READS, WRITES } from './record-calls.ts'
import { writeNaming } from './refusals.ts'
import { type AttioTask, OneTask } from './schemas.ts'
import { taskContent } from './task-content.ts'
import { assignees, deadline, fromTask, linkedRecords } from './task-mapping.ts'

const TASK = '/v2/tasks/{id}'

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
  const getRaw = async (id: string, options: CallOptions) =>
    (await client.json({ method: 'GET', route: TASK, params: { id }, limitGroup: READS, options }, OneTask, 'null'))?.data ?? null
  const get = async (id: string, options: CallOptions) => {
    const raw = await getRaw(id, options)
    return raw && read(raw, options)
  }
  // A 404 is the task missing, or a record or member the write names: which, a read tells.
  const patch = async (id: string, data: Record<string, unknown>, options: CallOptions) => {
    const answer = await writeNaming(client, { method: 'PATCH', route: TASK, params: { id }, body: { data }, limitGroup: WRITES, options }, OneTask)
    if ('data' in answer) return read(answer.data.data, options)
    if ((await getRaw(id, options)) === null) return null
    throw new UpstreamRejectedError(`Attio refused the task: ${answer.refused}`)
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
      const answer = await writeNaming(client, { method: 'POST', route: '/v2/tasks', body: { data }, limitGroup: WRITES, options }, OneTask)
      if ('refused' in answer) throw new UpstreamRejectedError(`Attio refused the task: ${answer.refused}`)
      return read(answer.data.data, options)
    },
    async doGetMany([id], options) {
      const task = await get(id!, options)
      return task ? [task] : []
    },
    async doUpdate(id, change, options) {
      const relinks = change.contactId !== undefined || change.companyId !== undefined
      const raw = change.subject !== undefined || change.description !== undefined || relinks ? await getRaw(id, options) : undefined
      if (raw === null) return null
      const held = raw && (await read(raw, options))
      if (held) refuseContentChange(held, change)
      const data = {
        ...(change.dueDate !== undefined && { deadline_at: deadline(change.dueDate) }),
        ...(change.completed !== undefined && { is_completed: change.completed }),
        // The whole list is replaced: a change of the contact keeps the company, and back, and the
        // task's links to other objects (a deal) stay.
        ...(relinks &&
          raw && {
            linked_records: [
              ...linkedRecords({ contactId: change.contactId ?? held?.contactId, companyId: change.companyId ?? held?.companyId }),
              ...(await otherLinks(raw, objects, options)),
            ],
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

/** A task's links to records of objects other than people and companies, as a write names them. */
async function otherLinks(task: AttioTask, objects: ObjectIds, options: CallOptions) {
  const slugs = await objects.slugs(options)
  return task.linked_records
    .filter((link) => !['people', 'companies'].includes(slugs.get(link.target_object_id) ?? ''))
    .map((link) => ({ target_object: link.target_object_id, target_record_id: link.target_record_id }))
}

/** A change of the content Attio keeps fixed, refused before anything is written. */
function refuseContentChange(held: NativeTask, change: NativeTaskPatch): void {
  for (const field of ['subject', 'description'] as const) {
    // An empty description is no description, as the content keeps it.
    const want = change[field]
    if (want === undefined || want === (held[field] ?? '')) continue
    throw new UpstreamRejectedError(`body/${field}: Attio keeps a task's subject and description as they were created; only dueDate, completed, ownerId, contactId and companyId can change`)
  }
}
