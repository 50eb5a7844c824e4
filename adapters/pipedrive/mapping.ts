import type { Activity } from './schemas.ts'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/spec.ts'
import { htmlToText, textToHtml } from '../../src/kit/utils.ts'
import { integerId } from './references.ts'
import { dueParts, parseTime } from './times.ts'

/**
 * The body Pipedrive's v2 `POST`/`PATCH /activities` takes, as far as tasks use it. The person is
 * the primary participant: the live API refuses `person_id` on writes since mid-2026 ("'person_id'
 * is a read-only field. Add a primary participant…"), though the published v2 file still lists it.
 */
export interface ActivityBody {
  subject?: string
  type?: string
  owner_id?: number
  participants?: { person_id: number; primary: boolean }[]
  org_id?: number
  due_date?: string
  due_time?: string
  note?: string
  done?: boolean
}

const REFERENCES = ['ownerId', 'contactId', 'companyId'] as const

/**
 * Gateway fields to an activity. Pipedrive keeps the due moment as `due_date` and `due_time`
 * in UTC; ids are integers (v2 does not read "42" as 42), so another id is a 422 naming the field.
 */
export function toActivity(patch: NativeTaskPatch): ActivityBody {
  const body: ActivityBody = {}
  if (patch.subject !== undefined) body.subject = patch.subject
  if (patch.type !== undefined) body.type = patch.type
  if (patch.description !== undefined) body.note = textToHtml(patch.description)
  const [owner, person, org] = REFERENCES.map((field) => {
    const value = patch[field]
    return value === undefined ? undefined : integerId(field, value)
  })
  if (owner !== undefined) body.owner_id = owner
  // A task links one person; written, the primary participant replaces the activity's participants.
  if (person !== undefined) body.participants = [{ person_id: person, primary: true }]
  if (org !== undefined) body.org_id = org
  if (patch.dueDate !== undefined) Object.assign(body, dueParts(patch.dueDate))
  if (patch.completed !== undefined) body.done = patch.completed
  return body
}

/** An activity to the gateway's model; one with no `due_time` is due at 00:00 UTC of its date. */
export function fromActivity(activity: Activity): NativeTask {
  const task: NativeTask = {
    id: String(activity.id),
    subject: activity.subject ?? '',
    completed: activity.done,
    completedAt: activity.done ? (parseTime(activity.marked_as_done_time) ?? null) : null,
  }
  if (activity.note) task.description = htmlToText(activity.note)
  if (activity.type) task.type = activity.type
  if (activity.owner_id) task.ownerId = String(activity.owner_id)
  const person = activity.person_id ?? activity.participants?.find((p) => p.primary)?.person_id
  if (person) task.contactId = String(person)
  if (activity.org_id) task.companyId = String(activity.org_id)
  const modified = parseTime(activity.update_time)
  if (modified !== undefined) task.modifiedAt = modified
  if (activity.due_date) {
    const time = activity.due_time ? activity.due_time.padEnd(8, ':00') : '00:00:00'
    const due = Date.parse(`${activity.due_date}T${time}Z`)
    if (!Number.isNaN(due)) task.dueDate = due
  }
  return task
}
