import { type TProperties, Type } from '@sinclair/typebox'

/**
 * The query parameters of the list endpoints the fake serves, from each endpoint's published
 * parameters (api-evangelist/close, openapi/close-openapi.yml, mirroring developer.close.com's
 * OpenAPI). Close ignores a parameter it does not know; the fake refuses it and records a
 * violation, because a filter Close ignores answers every record instead of the ones asked for.
 */

const Count = Type.String({ pattern: '^(0|[1-9]\\d{0,8})$' })
const Moment = Type.String({ minLength: 10 })
const Ids = Type.String({ pattern: '^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$' })
const Bool = Type.Union([Type.Literal('true'), Type.Literal('false')])

const query = (properties: TProperties) => Type.Object(properties, { additionalProperties: false })
const paging = { _limit: Type.Optional(Count), _skip: Type.Optional(Count), _fields: Type.Optional(Type.String()) }
const ranges = (field: string) =>
  Object.fromEntries(['gt', 'gte', 'lt', 'lte'].map((op) => [`${field}__${op}`, Type.Optional(Moment)]))

export const OneQuery = query({ _fields: Type.Optional(Type.String()) })
export const LeadListQuery = query(paging)
export const ContactListQuery = query({ ...paging, lead_id: Type.Optional(Type.String()) })
export const UserListQuery = query({ ...paging, _order_by: Type.Optional(Type.String()) })
export const CustomFieldListQuery = query(paging)

/** `GET /task/` filters; `PUT /task/` (bulk) takes the same ones (tasks/list, tasks/bulk-update). */
export const TaskListQuery = query({
  ...paging,
  id: Type.Optional(Type.String()),
  id__in: Type.Optional(Ids),
  lead_id: Type.Optional(Type.String()),
  assigned_to: Type.Optional(Type.String()),
  is_complete: Type.Optional(Bool),
  _type: Type.Optional(Type.String()),
  view: Type.Optional(Type.Union([Type.Literal('inbox'), Type.Literal('future'), Type.Literal('archive')])),
  _order_by: Type.Optional(Type.Union(['date', '-date', 'date_created', '-date_created'].map((value) => Type.Literal(value)))),
  ...ranges('date'),
  ...ranges('date_created'),
  ...ranges('date_updated'),
})

/** Activity lists (`/activity/note/`, `/activity/email/`, `/activity/task_completed/`). */
export const ActivityListQuery = query({
  ...paging,
  id__in: Type.Optional(Ids),
  lead_id: Type.Optional(Type.String()),
  contact_id: Type.Optional(Type.String()),
  user_id: Type.Optional(Type.String()),
  ...ranges('date_created'),
  ...ranges('activity_at'),
})

/** The event log pages by cursor only: it "does *not* support `_skip`" (events/list). */
export const EventListQuery = query({
  _limit: Type.Optional(Count),
  _cursor: Type.Optional(Type.String({ minLength: 1 })),
  object_type: Type.Optional(Type.String()),
  object_id: Type.Optional(Type.String()),
  lead_id: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  user_id: Type.Optional(Type.String()),
  request_id: Type.Optional(Type.String()),
  ...ranges('date_updated'),
})
