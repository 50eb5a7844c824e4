import { type Static, Type } from '@sinclair/typebox'
import { SafeIntegerId } from '../../src/kit/utils.ts'

/** The account's own data, on API v1 (v2 has no users, current user or v1-style field lists). */

export const Users = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(
    Type.Object({
      id: SafeIntegerId,
      name: Type.String(),
      email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      active_flag: Type.Boolean(),
      is_deleted: Type.Optional(Type.Boolean()),
    }),
  ),
})

/**
 * `/users/me`: `company_domain` is the account's subdomain of pipedrive.com. It becomes the host
 * of the links a browser follows, so it must be one DNS label and nothing else: an answer that
 * could point a link elsewhere (`evil.example/x`) is malformed.
 */
export const CurrentUser = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({ id: SafeIntegerId, company_domain: Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$' }) }),
})

/** One field definition of `/personFields` or `/organizationFields`. */
export const FieldDefinition = Type.Object({
  key: Type.String(),
  name: Type.String(),
  field_type: Type.String(),
  options: Type.Optional(Type.Union([Type.Array(Type.Object({ id: Type.Union([Type.Integer(), Type.String()]), label: Type.String() })), Type.Null()])),
})
export type FieldDefinition = Static<typeof FieldDefinition>

/** v1 pages with `start` and `limit`; `more_items_in_collection` says whether another follows. */
export const FieldPage = Type.Object({
  success: Type.Literal(true),
  data: Type.Union([Type.Array(FieldDefinition), Type.Null()]),
  additional_data: Type.Optional(
    Type.Object({
      pagination: Type.Optional(Type.Object({ more_items_in_collection: Type.Optional(Type.Boolean()), next_start: Type.Optional(Type.Integer()) })),
      more_items_in_collection: Type.Optional(Type.Boolean()),
    }),
  ),
})
