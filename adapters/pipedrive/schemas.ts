import { type Static, Type } from '@sinclair/typebox'
import { SafeIntegerId } from '../../src/kit/utils.ts'

/**
 * The parts of Pipedrive's answers the adapter reads (API v2 activities, v1 activity types). Ids
 * are positive integers a JSON number holds exactly: anything else makes the answer malformed.
 */

const Id = SafeIntegerId
const OptionalId = Type.Optional(Type.Union([Id, Type.Null()]))
const OptionalText = Type.Optional(Type.Union([Type.String(), Type.Null()]))

export const Activity = Type.Object({
  id: Id,
  subject: OptionalText,
  type: OptionalText,
  owner_id: OptionalId,
  person_id: OptionalId,
  org_id: OptionalId,
  /** Where the live API keeps the person since mid-2026; `person_id` still mirrors the primary one. */
  participants: Type.Optional(Type.Union([Type.Array(Type.Object({ person_id: Id, primary: Type.Boolean() })), Type.Null()])),
  due_date: OptionalText,
  due_time: OptionalText,
  note: OptionalText,
  done: Type.Boolean(),
  marked_as_done_time: OptionalText,
  update_time: OptionalText,
  is_deleted: Type.Optional(Type.Boolean()),
})
export type Activity = Static<typeof Activity>

export const OneActivity = Type.Object({ success: Type.Literal(true), data: Activity })
export const ActivityList = Type.Object({ success: Type.Literal(true), data: Type.Array(Activity) })

export const ActivityTypes = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(Type.Object({ key_string: Type.String(), active_flag: Type.Boolean() })),
})
