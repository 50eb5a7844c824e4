import { CloneType, type TSchema, Type } from '@sinclair/typebox'

/** What each field of an error answer says. */
export const ErrorFields = {
  statusCode: { description: 'the HTTP status, again' },
  error: { description: "the status's name" },
  message: { description: 'what went wrong, naming the field; never a key, a token or a stack trace' },
  code: { description: 'a stable code from the error table' },
}

/** Every error answer: the one envelope the error handler writes (by route: `error-answers.ts`). */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer({ ...ErrorFields.statusCode, examples: [400] }),
    error: Type.String({ ...ErrorFields.error, examples: ['Bad Request'] }),
    message: Type.String({ ...ErrorFields.message, examples: ['body/contacts/0/externalId must be string'] }),
    code: Type.String({ ...ErrorFields.code, examples: ['BAD_REQUEST'] }),
  },
  { description: 'An error: the message names the field; it never holds a key, a token or a stack trace' },
)

/** Why one item of a batch failed, beside the items that succeeded. */
export const ItemErrorFields = {
  error: Type.String({ description: 'what went wrong for this item', examples: ['contact not found'] }),
  code: Type.String({ description: 'a stable code from the error table', examples: ['RECORD_NOT_FOUND'] }),
}

/** An optional text field Enginy may send, or send as `null` (taken as not sent). */
export const OptionalText = (maxLength: number, description: string, example: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], { description, examples: [example] }))

/**
 * A date Enginy sends: the rule of `dates.ts`, checked by the `x-iso-8601` keyword (`keywords.ts`).
 * The rule's words are the ones docs/contract.md uses.
 */
export const DateInput = (description: string, example: string) =>
  Type.String({
    'x-iso-8601': true,
    maxLength: 64,
    description: `${description}. ISO 8601 date or date-time; returned in UTC. With an offset (\`2024-01-15T12:00:00+02:00\`), without one (taken as UTC) or a date alone (midnight UTC); fractions of a second are dropped; years 0000-9999 in UTC`,
    examples: [example],
  })

/** A date the gateway answers: always UTC to the second, `2024-01-15T10:00:00Z`. */
export const DateOutput = (description: string, example: string) =>
  Type.String({ format: 'date-time', description: `${description}, in UTC to the second (YYYY-MM-DDTHH:mm:ssZ)`, examples: [example] })

/**
 * A success answer of one route: its schema, with what this answer means there as the document's
 * response description, and the headers it carries.
 */
export const answer = <T extends TSchema>(schema: T, description: string, headers?: Record<string, { type: string; description: string; example: string }>) =>
  CloneType(schema, { 'x-response-description': description, ...(headers && { headers }) })
