import { type Static, Type } from '@sinclair/typebox'
import { AttioId } from './ids.ts'

/**
 * The answers the adapter reads, as Attio's OpenAPI file (https://api.attio.com/openapi/api)
 * describes them, loosened where the live API is seen to differ from it (`null` where the file
 * says a value, fields it requires left out: hbmartin/attio-ts-sdk
 * `scripts/attio-openapi-patch.ts`). Only the fields the adapter reads are named; others pass.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * One value of an attribute, as every read answers it: an object of the type's fields. Types the
 * file does not list reach the adapter too (the client above had to accept any value object), so
 * values are read field by field, and a value of an unknown shape is skipped.
 */
export const AttributeValue = Type.Record(Type.String(), Type.Unknown())
export type AttributeValue = Static<typeof AttributeValue>

export const AttioRecord = Type.Object({
  id: Type.Object({ record_id: AttioId }),
  created_at: Type.String(),
  values: Type.Record(Type.String(), Type.Array(AttributeValue)),
})
export type AttioRecord = Static<typeof AttioRecord>

export const OneRecord = Type.Object({ data: AttioRecord })
export const RecordList = Type.Object({ data: Type.Array(AttioRecord) })

export const AttioTask = Type.Object({
  id: Type.Object({ task_id: AttioId }),
  content_plaintext: Type.String(),
  deadline_at: Nullable(Type.String()),
  is_completed: Type.Boolean(),
  // Required by the file since April 2026, yet missing from live answers (the patch script's
  // `patchTaskSchema`, 2026-05-19).
  completed_at: Type.Optional(Nullable(Type.String())),
  linked_records: Type.Array(Type.Object({ target_object_id: Type.String(), target_record_id: AttioId })),
  assignees: Type.Array(Type.Object({ referenced_actor_type: Type.String(), referenced_actor_id: Nullable(Type.String()) })),
  created_at: Type.String(),
})
export type AttioTask = Static<typeof AttioTask>

export const OneTask = Type.Object({ data: AttioTask })
export const TaskList = Type.Object({ data: Type.Array(AttioTask) })

export const AttioNote = Type.Object({
  id: Type.Object({ note_id: AttioId }),
  parent_object: Type.String(),
  parent_record_id: AttioId,
  title: Type.String(),
  content_plaintext: Type.String(),
  created_at: Type.String(),
})
export type AttioNote = Static<typeof AttioNote>

export const OneNote = Type.Object({ data: AttioNote })
export const NoteList = Type.Object({ data: Type.Array(AttioNote) })

export const Members = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Type.Object({ workspace_member_id: AttioId }),
      first_name: Nullable(Type.String()),
      last_name: Nullable(Type.String()),
      email_address: Nullable(Type.String()),
      access_level: Nullable(Type.String()),
    }),
  ),
})

/** `GET /v2/self`: `{active: false}` for a token that is not active, the rest when it is. */
export const Self = Type.Union([
  Type.Object({ active: Type.Literal(true), workspace_slug: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' }) }),
  Type.Object({ active: Type.Literal(false) }),
])

export const Objects = Type.Object({
  data: Type.Array(Type.Object({ id: Type.Object({ object_id: AttioId }), api_slug: Nullable(Type.String()) })),
})

export const Attributes = Type.Object({
  data: Type.Array(
    Type.Object({
      api_slug: Type.String(),
      type: Type.String(),
      is_writable: Type.Boolean(),
      is_unique: Type.Boolean(),
      is_archived: Type.Boolean(),
    }),
  ),
})
