import { type TSchema, Type } from '@sinclair/typebox'
import { ID } from './ids.ts'

/**
 * Close's answers, as far as the adapter reads them: each object's own fields are checked, and
 * the rest (Close adds fields over time) passes. Ids are checked against their form (`ids.ts`)
 * before any later call can put one in a URL.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const id = (kind: keyof typeof ID) => Type.String({ pattern: ID[kind] })

export const Lead = Type.Object({
  id: id('lead'),
  name: Type.Optional(Nullable(Type.String())),
  url: Type.Optional(Nullable(Type.String())),
  date_created: Type.Optional(Type.String()),
  date_updated: Type.Optional(Type.String()),
})

const label = { type: Type.Optional(Nullable(Type.String())) }

export const Contact = Type.Object({
  id: id('contact'),
  lead_id: id('lead'),
  name: Type.Optional(Nullable(Type.String())),
  title: Type.Optional(Nullable(Type.String())),
  emails: Type.Optional(Type.Array(Type.Object({ email: Type.String(), ...label }))),
  phones: Type.Optional(Type.Array(Type.Object({ phone: Type.String(), ...label }))),
  urls: Type.Optional(Type.Array(Type.Object({ url: Type.String(), ...label }))),
  date_created: Type.Optional(Type.String()),
  date_updated: Type.Optional(Type.String()),
})

export const Task = Type.Object({
  id: id('task'),
  lead_id: id('lead'),
  contact_id: Type.Optional(Nullable(id('contact'))),
  assigned_to: Type.Optional(Nullable(id('user'))),
  text: Type.String(),
  date: Type.Optional(Nullable(Type.String())),
  is_dateless: Type.Optional(Type.Boolean()),
  is_complete: Type.Boolean(),
  object_type: Type.Optional(Nullable(Type.String())),
  object_id: Type.Optional(Nullable(Type.String())),
  date_created: Type.Optional(Type.String()),
  date_updated: Type.Optional(Type.String()),
})

/** The TaskCompleted activity: its `date_created` is when its task was completed. */
export const TaskCompleted = Type.Object({ id: id('activity'), task_id: id('task'), date_created: Type.String() })

const ActivityBase = {
  id: id('activity'),
  lead_id: id('lead'),
  contact_id: Type.Optional(Nullable(id('contact'))),
  user_id: Type.Optional(Nullable(id('user'))),
  activity_at: Type.Optional(Nullable(Type.String())),
  date_created: Type.String(),
}

export const Note = Type.Object({ ...ActivityBase, note: Type.Optional(Nullable(Type.String())) })

export const Email = Type.Object({
  ...ActivityBase,
  status: Type.String(),
  direction: Type.Optional(Nullable(Type.String())),
  subject: Type.Optional(Nullable(Type.String())),
  body_text: Type.Optional(Nullable(Type.String())),
  body_html: Type.Optional(Nullable(Type.String())),
})

export const User = Type.Object({
  id: id('user'),
  email: Type.Optional(Nullable(Type.String())),
  first_name: Type.Optional(Nullable(Type.String())),
  last_name: Type.Optional(Nullable(Type.String())),
})

/** `GET /me/`: the key's user. */
export const Me = Type.Object({ id: id('user') })

/** An offset list: `{data, has_more}` (developer.close.com/api/overview/pagination). */
export const list = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), has_more: Type.Boolean() })

/** A page of the Advanced Filtering API: `{data, cursor}`, `cursor` null on the last page. */
export const searchPage = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), cursor: Type.Optional(Nullable(Type.String())) })
