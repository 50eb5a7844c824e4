import { Type } from '@sinclair/typebox'

/** Every error answer: the one envelope the error handler writes. */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer({ description: 'the HTTP status, again', examples: [400] }),
    error: Type.String({ description: "the status's name", examples: ['Bad Request'] }),
    message: Type.String({ description: 'what is wrong, naming the field', examples: ['body/contacts/0/externalId must be string'] }),
    code: Type.Optional(Type.String({ description: 'a stable code from the error table', examples: ['BAD_REQUEST'] })),
  },
  { description: 'An error: the message names the field; it never holds a key, a token or a stack trace' },
)

/** The error answers of a route, by status class. */
export const ERRORS = { '4xx': ErrorBody, '5xx': ErrorBody }

/** Why one item of a batch failed, beside the items that succeeded. */
export const ItemErrorFields = {
  error: Type.String({ description: 'what went wrong for this item', examples: ['contact not found'] }),
  code: Type.String({ description: 'a stable code from the error table', examples: ['RECORD_NOT_FOUND'] }),
}

/** An optional text field Enginy may send, or send as `null` (taken as not sent). */
export const OptionalText = (maxLength: number, description: string, example?: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], { description, ...(example && { examples: [example] }) }))
