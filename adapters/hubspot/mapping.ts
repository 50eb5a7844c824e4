import type { HubSpotObject } from './schemas.ts'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/spec.ts'
import { htmlToText, textToHtml } from '../../src/kit/utils.ts'

/** The task properties the adapter reads and writes. */
export const TASK_PROPERTIES = [
  'hs_task_subject',
  'hs_task_body',
  'hs_task_status',
  'hs_task_type',
  'hs_timestamp',
  'hubspot_owner_id',
  'hs_task_completion_date',
] as const

/** HubSpot-defined association types from a task (the reference; 200 is not task→company). */
export const ASSOCIATION_TYPE = { contacts: 204, companies: 192 } as const
export type AssociatedKind = keyof typeof ASSOCIATION_TYPE

/**
 * Gateway fields to HubSpot properties. `ownerId` must already be a HubSpot owner id (the adapter
 * resolves e-mail addresses first); `dueDate` goes to `hs_timestamp`, HubSpot's due date.
 */
export function toProperties(patch: NativeTaskPatch): Record<string, string> {
  const properties: Record<string, string> = {}
  if (patch.subject !== undefined) properties.hs_task_subject = patch.subject
  if (patch.description !== undefined) properties.hs_task_body = textToHtml(patch.description)
  if (patch.type !== undefined) properties.hs_task_type = patch.type
  if (patch.ownerId !== undefined) properties.hubspot_owner_id = patch.ownerId
  if (patch.dueDate !== undefined) properties.hs_timestamp = new Date(patch.dueDate).toISOString()
  if (patch.completed !== undefined) properties.hs_task_status = patch.completed ? 'COMPLETED' : 'NOT_STARTED'
  return properties
}

export interface Associated {
  contactId?: string
  companyId?: string
}

/**
 * A HubSpot task to the gateway's model. Only `COMPLETED` reads as completed; `NOT_STARTED`,
 * `IN_PROGRESS`, `WAITING` and `DEFERRED` read as open.
 */
export function fromHubSpot(object: HubSpotObject, associated: Associated): NativeTask {
  const p = object.properties
  const completed = p.hs_task_status === 'COMPLETED'
  const task: NativeTask = {
    id: object.id,
    subject: p.hs_task_subject ?? '',
    completed,
    completedAt: completed ? (parseTime(p.hs_task_completion_date) ?? null) : null,
  }
  if (p.hs_task_body) task.description = htmlToText(p.hs_task_body)
  if (p.hs_task_type) task.type = p.hs_task_type
  if (p.hubspot_owner_id) task.ownerId = p.hubspot_owner_id
  const due = parseTime(p.hs_timestamp)
  if (due !== undefined) task.dueDate = due
  if (associated.contactId) task.contactId = associated.contactId
  if (associated.companyId) task.companyId = associated.companyId
  const modified = parseTime(object.updatedAt)
  if (modified !== undefined) task.modifiedAt = modified
  return task
}

/** The associations embedded in a single-object read (`?associations=contacts,companies`). */
export function embeddedAssociations(object: HubSpotObject): Associated {
  return {
    contactId: object.associations?.contacts?.results[0]?.id,
    companyId: object.associations?.companies?.results[0]?.id,
  }
}

/** HubSpot date-time properties come as ISO strings or as epoch milliseconds in a string. */
export function parseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}
