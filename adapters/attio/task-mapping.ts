import type { NativeTask, NativeTaskInput } from '../../src/kit/spec.ts'
import { UpstreamRejectedError } from '../../src/kit/utils.ts'
import { isAttioId } from './ids.ts'
import type { AttioTask } from './schemas.ts'
import { fromContent } from './task-content.ts'
import { attioTime, parseAttioTime } from './times.ts'

type Linked = { target_object: string; target_record_id: string }

/** A task's contact and company as Attio's `linked_records`. */
export function linkedRecords(task: Pick<NativeTaskInput, 'contactId' | 'companyId'>): Linked[] {
  return [
    ...(task.contactId ? [{ target_object: 'people', target_record_id: task.contactId }] : []),
    ...(task.companyId ? [{ target_object: 'companies', target_record_id: task.companyId }] : []),
  ]
}

/** The owner as Attio's `assignees`: a workspace member, by id. The core cannot check an owner's
 * form, so a value that is no member id is refused here, before it reaches a body. */
export function assignees(ownerId: string | undefined): { referenced_actor_type: 'workspace-member'; referenced_actor_id: string }[] {
  if (ownerId === undefined) return []
  if (!isAttioId(ownerId)) throw new UpstreamRejectedError(`body/ownerId: must be an Attio workspace member id (a lower-case UUID), got "${ownerId.slice(0, 64)}"`)
  return [{ referenced_actor_type: 'workspace-member', referenced_actor_id: ownerId }]
}

export const deadline = (dueDate: number | undefined): string | null => (dueDate === undefined ? null : attioTime(dueDate))

/**
 * A task as the gateway answers it. `completedAt` is Attio's `completed_at`; live answers are seen
 * without it (hbmartin/attio-ts-sdk `patchTaskSchema`), and then nothing in Attio tells when a task
 * was completed: the answer is `null`, completed or not.
 */
export function fromTask(task: AttioTask, slugs: ReadonlyMap<string, string>): NativeTask {
  const linked = (slug: string) => task.linked_records.find((record) => slugs.get(record.target_object_id) === slug)?.target_record_id
  const owner = task.assignees.find((actor) => actor.referenced_actor_type === 'workspace-member' && actor.referenced_actor_id && isAttioId(actor.referenced_actor_id))
  const due = task.deadline_at === null ? undefined : parseAttioTime(task.deadline_at)
  const completedAt = task.is_completed && task.completed_at ? (parseAttioTime(task.completed_at) ?? null) : null
  const native: NativeTask = { id: task.id.task_id, ...fromContent(task.content_plaintext), completed: task.is_completed, completedAt }
  const contactId = linked('people')
  const companyId = linked('companies')
  if (owner?.referenced_actor_id) native.ownerId = owner.referenced_actor_id
  if (contactId) native.contactId = contactId
  if (companyId) native.companyId = companyId
  if (due !== undefined) native.dueDate = due
  return native
}
