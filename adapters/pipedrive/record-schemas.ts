import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { SafeIntegerId } from '../../src/kit/utils.ts'

/**
 * The parts of API v2's person and organization answers the adapter reads, written from
 * Pipedrive's published v2 description. Ids are positive integers a JSON number holds exactly:
 * anything else makes the answer malformed, so no id of an answer reaches a later call unchecked.
 */

const Id = SafeIntegerId
const OptionalId = Type.Optional(Type.Union([Id, Type.Null()]))
const Text = Type.Optional(Type.Union([Type.String(), Type.Null()]))
const Count = Type.Optional(Type.Union([Type.Integer(), Type.Null()]))
/** `emails` and `phones`: the primary one is the person's e-mail or phone. */
const Entries = Type.Optional(
  Type.Union([Type.Array(Type.Object({ value: Type.String(), primary: Type.Optional(Type.Boolean()), label: Type.Optional(Type.String()) })), Type.Null()]),
)
/** Custom field values by their 40-character keys; texts are strings, other types vary. */
const CustomFields = Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]))

export const Person = Type.Object({
  id: Id,
  name: Text,
  /** Read-only: Pipedrive splits `name` into these (v2 writes take `name` only). */
  first_name: Text,
  last_name: Text,
  owner_id: OptionalId,
  org_id: OptionalId,
  add_time: Text,
  update_time: Text,
  emails: Entries,
  phones: Entries,
  /** Sent only where the company has contact sync on (the v2 file says so of `job_title`). */
  job_title: Text,
  custom_fields: CustomFields,
  is_deleted: Type.Optional(Type.Boolean()),
})
export type Person = Static<typeof Person>

export const Organization = Type.Object({
  id: Id,
  name: Text,
  owner_id: OptionalId,
  add_time: Text,
  update_time: Text,
  website: Text,
  linkedin: Text,
  /** An option id of the built-in `industry` field (see `/organizationFields`). */
  industry: Count,
  employee_count: Count,
  custom_fields: CustomFields,
  is_deleted: Type.Optional(Type.Boolean()),
})
export type Organization = Static<typeof Organization>

export const one = <S extends TSchema>(record: S) => Type.Object({ success: Type.Literal(true), data: record })

/** A page of a v2 list: `next_cursor` is null (or absent) on the last page. */
export const page = <S extends TSchema>(record: S) =>
  Type.Object({
    success: Type.Literal(true),
    data: Type.Array(record),
    additional_data: Type.Optional(Type.Union([Type.Object({ next_cursor: Type.Optional(Type.Union([Type.String(), Type.Null()])) }), Type.Null()])),
  })

/** `/persons/search` and `/organizations/search`: ids only are read; the records are then read in
 * batches, as search items lack the fields sync answers (and their custom fields have no keys). */
export const SearchPage = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ items: Type.Array(Type.Object({ item: Type.Object({ id: Id }) })) }),
  additional_data: Type.Optional(Type.Union([Type.Object({ next_cursor: Type.Optional(Type.Union([Type.String(), Type.Null()])) }), Type.Null()])),
})
