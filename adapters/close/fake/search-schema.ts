import { type TSchema, Type } from '@sinclair/typebox'

/**
 * The body of `POST /api/v1/data/search/`, the Advanced Filtering API, as far as the fake serves
 * it. Sources: the reference's query tree (developer.close.com/api/resources/advanced-filtering/
 * search: `and`/`or` of `object_type`, `field_condition` (a `regular_field` of the searched type or
 * a `custom_field` by id, and a `text`, `term`, `reference`, `moment_range` condition),
 * `has_related`, `negate` on any query) and the requests of scripts written against the live API:
 * `_limit` (at most 200), `cursor`, `_fields` by object type, `sort`, `results_limit`,
 * `include_counts`, `match_all` (bariendo/close-api-scripts, scripts/CloseApiWrapper.py); text modes
 * `exact_value`, `phrase`, `full_words` and the `contact_email` related object
 * (the same file; whiteboard-geeks/MailerAutomation, close_queries/leads_with_contact_with_email.json,
 * a filter copied from Close's UI, which also carries `"limit": null`).
 */

const closed = { additionalProperties: false }
const negate = { negate: Type.Optional(Type.Boolean()) }

const RegularField = Type.Object({ type: Type.Literal('regular_field'), object_type: Type.String(), field_name: Type.String() }, closed)
const CustomField = Type.Object({ type: Type.Literal('custom_field'), custom_field_id: Type.String() }, closed)

/** A moment bound: a UTC moment, or a calendar date's start or end (`fixed_local_date`, taken as UTC here). */
const Moment = Type.Union([
  Type.Object({ type: Type.Literal('fixed_utc'), value: Type.String() }, closed),
  Type.Object({ type: Type.Literal('fixed_local_date'), value: Type.String(), which: Type.Union([Type.Literal('start'), Type.Literal('end')]) }, closed),
])

const TEXT_MODES = ['exact_value', 'phrase', 'full_words'] as const

const Condition = Type.Union([
  Type.Object({ type: Type.Literal('text'), mode: Type.Union(TEXT_MODES.map((mode) => Type.Literal(mode))), value: Type.String({ minLength: 1 }) }, closed),
  Type.Object({ type: Type.Literal('term'), values: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { minItems: 1 }) }, closed),
  Type.Object({ type: Type.Literal('reference'), reference_type: Type.Optional(Type.String()), object_ids: Type.Array(Type.String(), { minItems: 1 }) }, closed),
  Type.Object({ type: Type.Literal('moment_range'), on_or_after: Type.Optional(Moment), before: Type.Optional(Moment) }, closed),
])

const SearchQuery = Type.Recursive((Self) =>
  Type.Union([
    Type.Object({ type: Type.Union([Type.Literal('and'), Type.Literal('or')]), queries: Type.Array(Self), ...negate }, closed),
    Type.Object({ type: Type.Literal('object_type'), object_type: Type.String(), ...negate }, closed),
    Type.Object({ type: Type.Literal('field_condition'), field: Type.Union([RegularField, CustomField]), condition: Condition, ...negate }, closed),
    Type.Object({ type: Type.Literal('has_related'), this_object_type: Type.String(), related_object_type: Type.String(), related_query: Self, ...negate }, closed),
    Type.Object({ type: Type.Literal('match_all'), ...negate }, closed),
  ]),
)

export const MAX_SEARCH_LIMIT = 200

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const SearchBody = Type.Object(
  {
    query: SearchQuery,
    _limit: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    cursor: Type.Optional(Nullable(Type.String())),
    _fields: Type.Optional(Nullable(Type.Record(Type.String(), Type.Array(Type.String())))),
    sort: Type.Optional(Type.Array(Type.Object({ field: RegularField, direction: Type.Union([Type.Literal('asc'), Type.Literal('desc')]) }, closed))),
    results_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    include_counts: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Null()),
  },
  closed,
)

export type Query =
  | { type: 'and' | 'or'; queries: Query[]; negate?: boolean }
  | { type: 'object_type'; object_type: string; negate?: boolean }
  | { type: 'field_condition'; field: FieldRef; condition: Condition; negate?: boolean }
  | { type: 'has_related'; this_object_type: string; related_object_type: string; related_query: Query; negate?: boolean }
  | { type: 'match_all'; negate?: boolean }

export type FieldRef = { type: 'regular_field'; object_type: string; field_name: string } | { type: 'custom_field'; custom_field_id: string }

export type MomentBound = { type: 'fixed_utc'; value: string } | { type: 'fixed_local_date'; value: string; which: 'start' | 'end' }

export type Condition =
  | { type: 'text'; mode: (typeof TEXT_MODES)[number]; value: string }
  | { type: 'term'; values: (string | number | boolean)[] }
  | { type: 'reference'; reference_type?: string; object_ids: string[] }
  | { type: 'moment_range'; on_or_after?: MomentBound; before?: MomentBound }

export interface SearchRequest {
  query: Query
  _limit?: number | null
  cursor?: string | null
  _fields?: Record<string, string[]> | null
  sort?: { field: { object_type: string; field_name: string }; direction: 'asc' | 'desc' }[]
  results_limit?: number | null
  include_counts?: boolean
}
