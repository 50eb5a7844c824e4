import { Type } from '@sinclair/typebox'

/**
 * Connection options that embedded adapters (memory, sql) share: they hold no CRM of their own,
 * so the customer says who the users are and where a record's page lives.
 */

/** A page per record in some UI of the customer's, with `{id}` where the record's id goes. */
export const LinkTemplate = Type.String({ pattern: '^https?://[^\\s]*\\{id\\}', description: 'an http(s) URL with {id} where the id goes' })

/** The `links` option: a link template per kind of record, for `linkTo`. */
export const LinkOptions = Type.Object(
  { contacts: Type.Optional(LinkTemplate), companies: Type.Optional(LinkTemplate) },
  { additionalProperties: false, default: {} },
)

/** The people records can be assigned to, for `GET /users`; without it, owner selection is off. */
export const UserOptions = Type.Optional(
  Type.Array(
    Type.Object(
      { id: Type.String({ minLength: 1, maxLength: 256 }), name: Type.String({ minLength: 1 }), email: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
  ),
)

/** The URL for record `id` from a link template, the id encoded as one path segment. */
export function fillLink(template: string, id: string): string {
  return template.replace('{id}', encodeURIComponent(id))
}
