import { type TSchema, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

/**
 * What the fake Attio accepts, written here from Attio's OpenAPI file
 * (https://api.attio.com/openapi/api; read through the client generated from it,
 * hbmartin/attio-ts-sdk src/generated/types.gen.ts and zod.gen.ts), never copied from it. A body
 * or query outside these gets Attio's 400 `validation_type` and lands in the fake's `violations`:
 * the tests of an adapter assert there are none. Envelopes are strict (an unknown key is
 * refused) so that a field the API would ignore shows up as the adapter's mistake.
 */

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' })
const Strict = { additionalProperties: false } as const

/** Record create, assert, update and overwrite: `{data: {values: {slug or attribute id: value(s)}}}`. */
export const RecordWrite = Type.Object({ data: Type.Object({ values: Type.Record(Type.String({ minLength: 1 }), Type.Unknown()) }, Strict) }, Strict)

export const AssertQuery = Type.Object({ matching_attribute: Type.String({ minLength: 1 }) }, Strict)

const SortSchema = Type.Object(
  { direction: Type.Union([Type.Literal('asc'), Type.Literal('desc')]), attribute: Type.String({ minLength: 1 }), field: Type.Optional(Type.String()) },
  Strict,
)

/** `POST /v2/objects/{object}/records/query`: limit defaults to 500 and offset to 0; the file
 * states no largest limit. `filter_view_id` is not served. */
export const RecordQuery = Type.Object(
  {
    filter: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    sorts: Type.Optional(Type.Array(SortSchema)),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  Strict,
)

const LinkedRecord = Type.Union([
  Type.Object({ target_object: Type.String({ minLength: 1 }), target_record_id: Uuid }, Strict),
  // By a unique attribute of the target: `{target_object: 'people', email_addresses: [{email_address}]}`.
  Type.Object({ target_object: Type.String({ minLength: 1 }) }, { additionalProperties: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1 }), minProperties: 2 }),
])

const Assignee = Type.Union([
  Type.Object({ referenced_actor_type: Type.Literal('workspace-member'), referenced_actor_id: Uuid }, Strict),
  Type.Object({ workspace_member_email_address: Type.String({ minLength: 3 }) }, Strict),
])

/** `POST /v2/tasks`: every field required; content is plain text of at most 2,000 characters. */
export const TaskCreate = Type.Object(
  {
    data: Type.Object(
      {
        content: Type.String({ maxLength: 2000 }),
        format: Type.Literal('plaintext'),
        deadline_at: Type.Union([Type.String(), Type.Null()]),
        is_completed: Type.Boolean(),
        linked_records: Type.Array(LinkedRecord),
        assignees: Type.Array(Assignee),
      },
      Strict,
    ),
  },
  Strict,
)

/** `PATCH /v2/tasks/{task_id}`: "only the deadline_at, is_completed, linked_records, and
 * assignees fields can be updated" (the operation's description): content is refused. */
export const TaskPatch = Type.Object(
  {
    data: Type.Object(
      {
        deadline_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        is_completed: Type.Optional(Type.Boolean()),
        linked_records: Type.Optional(Type.Array(LinkedRecord)),
        assignees: Type.Optional(Type.Array(Assignee)),
      },
      Strict,
    ),
  },
  Strict,
)

const QueryInteger = Type.String({ pattern: '^\\d+$' })

/** `GET /v2/tasks`: limit (default 500), offset, sort, linked record, assignee, completion. */
export const TaskList = Type.Object(
  {
    limit: Type.Optional(QueryInteger),
    offset: Type.Optional(QueryInteger),
    sort: Type.Optional(Type.Union(['created_at:asc', 'created_at:desc', 'completed_at:asc', 'completed_at:desc'].map((s) => Type.Literal(s)))),
    linked_object: Type.Optional(Type.String({ minLength: 1 })),
    linked_record_id: Type.Optional(Uuid),
    assignee: Type.Optional(Type.String()),
    is_completed: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  },
  Strict,
)

/** `POST /v2/notes`: `created_at` backdates a note (not before 1970, not in the future). */
export const NoteCreate = Type.Object(
  {
    data: Type.Object(
      {
        parent_object: Type.String({ minLength: 1 }),
        parent_record_id: Uuid,
        title: Type.String(),
        format: Type.Union([Type.Literal('plaintext'), Type.Literal('markdown')]),
        content: Type.String(),
        created_at: Type.Optional(Type.String()),
        meeting_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
      },
      Strict,
    ),
  },
  Strict,
)

/** `GET /v2/notes`: limit defaults to 10, at most 50. */
export const NoteList = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-4]\\d|50)$' })),
    offset: Type.Optional(QueryInteger),
    parent_object: Type.Optional(Type.String({ minLength: 1 })),
    parent_record_id: Type.Optional(Uuid),
  },
  Strict,
)

export const NoQuery = Type.Object({}, Strict)

/** The first way `value` misses `schema`, as `path message`, or undefined when it fits. */
export function firstProblem(schema: TSchema, value: unknown): string | undefined {
  const first = Value.Errors(schema, value).First()
  return first ? `${first.path || '/'} ${first.message}` : undefined
}

