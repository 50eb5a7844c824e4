import type { Static } from '@sinclair/typebox'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/spec.ts'
import type { Task } from './schemas.ts'
import { closeMoment, parseCloseTime } from './times.ts'

export type CloseTask = Static<typeof Task>

/**
 * The fields of a lead task a write changes: `text`, `date` (a moment: Close takes "a date or a
 * date-time", and the gateway's due dates are moments), `assigned_to`, `is_complete` (FACTS.md,
 * "Tasks"). The lead and contact are set at creation only.
 */
export function toTaskChanges(patch: NativeTaskPatch): Record<string, unknown> {
  return {
    ...(patch.subject !== undefined && { text: patch.subject }),
    ...(patch.dueDate !== undefined && { date: closeMoment(patch.dueDate) }),
    ...(patch.ownerId !== undefined && { assigned_to: patch.ownerId }),
    ...(patch.completed !== undefined && { is_complete: patch.completed }),
  }
}

/**
 * A lead task as the gateway's task. A task made without a date is `is_dateless` and carries its
 * creation day as `date`: it has no due date. Its lead is its company, but for the lead that holds
 * the tasks naming no record (`taskLeadId`), which is no company of Enginy's. `completedAt` is the
 * time of its TaskCompleted activity (`completions.ts`), looked up by the caller.
 */
export function fromTask(task: CloseTask, completedAt: number | null, holdingLead: string | undefined): NativeTask {
  const dueDate = task.is_dateless ? undefined : parseCloseTime(task.date)
  const modifiedAt = parseCloseTime(task.date_updated)
  return {
    id: task.id,
    subject: task.text,
    ...(task.assigned_to && { ownerId: task.assigned_to }),
    ...(task.contact_id && { contactId: task.contact_id }),
    ...(task.lead_id !== holdingLead && { companyId: task.lead_id }),
    ...(dueDate !== undefined && { dueDate }),
    completed: task.is_complete,
    completedAt: task.is_complete ? completedAt : null,
    ...(modifiedAt !== undefined && { modifiedAt }),
  }
}
