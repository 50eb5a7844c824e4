import { Type } from '@sinclair/typebox'

/**
 * What the fake Pipedrive accepts, written here from Pipedrive's published v2 and v1
 * descriptions (never copied from them): request bodies (v2 is strict: an unknown key is refused)
 * and the queries of the calls the adapter makes. A request outside them gets Pipedrive's 400 and
 * is recorded as a violation.
 */

const DATE = '^\\d{4}-\\d{2}-\\d{2}$'
const TIME = '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?$'
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$'
const Id = Type.Integer({ minimum: 1 })
const Entry = Type.Object({ value: Type.String(), primary: Type.Optional(Type.Boolean()), label: Type.Optional(Type.String()) }, { additionalProperties: false })
const CustomFields = Type.Record(Type.String({ pattern: '^[0-9a-f]{40}$' }), Type.Unknown())
const Participant = Type.Object({ person_id: Type.Integer(), primary: Type.Boolean() }, { additionalProperties: false })

/**
 * v2 activity body. `person_id` is listed as writable in the published v2 file, but the live API
 * refuses it since mid-2026 (see `PERSON_ID_READ_ONLY`): a person is linked as the primary
 * participant. The file lists no custom fields for activities.
 */
export const ActivityBody = Type.Object(
  {
    subject: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    owner_id: Type.Optional(Type.Integer()),
    deal_id: Type.Optional(Type.Integer()),
    lead_id: Type.Optional(Type.String()),
    person_id: Type.Optional(Type.Integer()),
    org_id: Type.Optional(Type.Integer()),
    project_id: Type.Optional(Type.Integer()),
    participants: Type.Optional(Type.Array(Participant)),
    due_date: Type.Optional(Type.String({ pattern: DATE })),
    due_time: Type.Optional(Type.String({ pattern: TIME })),
    duration: Type.Optional(Type.String({ pattern: TIME })),
    busy: Type.Optional(Type.Boolean()),
    done: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
    public_description: Type.Optional(Type.String()),
    priority: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
)

/** v2 person body: `name`, not first and last name (those are read-only, split from it). */
const personFields = {
  name: Type.String({ minLength: 1 }),
  owner_id: Type.Optional(Id),
  org_id: Type.Optional(Type.Union([Id, Type.Null()])),
  emails: Type.Optional(Type.Array(Entry)),
  phones: Type.Optional(Type.Array(Entry)),
  visible_to: Type.Optional(Type.Integer()),
  label_ids: Type.Optional(Type.Array(Id)),
  notes: Type.Optional(Type.String()),
  birthday: Type.Optional(Type.String({ pattern: DATE })),
  job_title: Type.Optional(Type.String()),
  marketing_status: Type.Optional(Type.Union(['no_consent', 'unsubscribed', 'subscribed', 'archived'].map((s) => Type.Literal(s)))),
  custom_fields: Type.Optional(CustomFields),
}
/** A new person needs a name: v1 says so, and the v2 file lists no required field at all. */
export const PersonCreate = Type.Object({ ...personFields, add_time: Type.Optional(Type.String()) }, { additionalProperties: false })
export const PersonPatch = Type.Partial(Type.Object(personFields, { additionalProperties: false }))

const orgFields = {
  name: Type.String({ minLength: 1 }),
  owner_id: Type.Optional(Id),
  visible_to: Type.Optional(Type.Integer()),
  label_ids: Type.Optional(Type.Array(Id)),
  website: Type.Optional(Type.String()),
  linkedin: Type.Optional(Type.String()),
  industry: Type.Optional(Type.Integer()),
  annual_revenue: Type.Optional(Type.Integer()),
  employee_count: Type.Optional(Type.Integer({ minimum: 0 })),
  custom_fields: Type.Optional(CustomFields),
}
/** A new organization needs a name (required in the v2 file). */
export const OrgCreate = Type.Object({ ...orgFields, add_time: Type.Optional(Type.String()) }, { additionalProperties: false })
export const OrgPatch = Type.Partial(Type.Object(orgFields, { additionalProperties: false }))

const Limit = Type.String({ pattern: '^([1-9]\\d?|[1-4]\\d\\d|500)$' })

/** v2 lists: `ids` (at most 100, checked apart), `updated_since`, pages of at most 500. */
export const ListQuery = Type.Object(
  {
    ids: Type.Optional(Type.String({ pattern: '^\\d+(,\\d+)*$' })),
    updated_since: Type.Optional(Type.String({ pattern: RFC3339 })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Type.String({ minLength: 1 })),
    custom_fields: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}(,[0-9a-f]{40}){0,14}$' })),
  },
  { additionalProperties: false },
)
/** v2's activity list takes `person_id` too: the activities whose primary participant is the person. */
export const ActivityListQuery = Type.Object(
  { ...ListQuery.properties, person_id: Type.Optional(Type.String({ pattern: '^[1-9]\\d*$' })) },
  { additionalProperties: false },
)
export const OneQuery = Type.Object({ custom_fields: ListQuery.properties.custom_fields }, { additionalProperties: false })

const searchQuery = (fields: readonly string[]) =>
  Type.Object(
    {
      term: Type.String({ minLength: 1 }),
      fields: Type.Optional(Type.String({ pattern: `^(${fields.join('|')})(,(${fields.join('|')}))*$` })),
      exact_match: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
      limit: Type.Optional(Limit),
      cursor: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  )
export const PersonSearchQuery = searchQuery(['custom_fields', 'email', 'notes', 'phone', 'name'])
export const OrgSearchQuery = searchQuery(['address', 'custom_fields', 'notes', 'name'])

/** v1 field lists page with `start` and `limit`. */
export const FieldsQuery = Type.Object(
  { start: Type.Optional(Type.String({ pattern: '^\\d+$' })), limit: Type.Optional(Limit) },
  { additionalProperties: false },
)
