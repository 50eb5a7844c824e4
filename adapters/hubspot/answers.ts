import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { UpstreamResponse } from '../../src/kit/spec.ts'
import { DigitsId, SafeIntegerId, UpstreamBadResponseError } from '../../src/kit/utils.ts'

/**
 * The parts of HubSpot's answers to the record, association, engagement, owner, property and
 * account calls that the adapter reads (written from HubSpot's 2026-09 OpenAPI files). Every id is
 * checked to be a HubSpot record id before any later call can use it; anything else is ignored.
 */

/** One item's error in a batch answer. Looser than `schemas.ts`' (whose `subCategory` is a
 * string): the reference makes `subCategory` an object, and a batch must not fail on its shape. */
export const BatchError = Type.Object({
  category: Type.String(),
  message: Type.String(),
  context: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Unknown()))),
})
export type BatchError = Static<typeof BatchError>

const Properties = Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))

/** A CRM object as batch reads, creates, updates and searches answer it. */
export const CrmObject = Type.Object({
  id: DigitsId,
  properties: Properties,
  createdAt: Type.Optional(Type.String()),
  /** When HubSpot last changed it (`hs_lastmodifieddate`, `lastmodifieddate` on contacts). */
  updatedAt: Type.Optional(Type.String()),
  /** Echoed from the input of a batch create: how results are matched to inputs, as HubSpot
   * does not promise their order. */
  objectWriteTraceId: Type.Optional(Type.String()),
})
export type CrmObject = Static<typeof CrmObject>

export const BatchAnswer = Type.Object({
  status: Type.String(),
  results: Type.Array(CrmObject),
  errors: Type.Optional(Type.Array(BatchError)),
})
export type BatchAnswer = Static<typeof BatchAnswer>

export const SearchAnswer = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  results: Type.Array(CrmObject),
  paging: Type.Optional(Type.Object({ next: Type.Optional(Type.Object({ after: Type.String({ maxLength: 64 }) })) })),
})

/** HubSpot's error body, for the statuses the adapter reads itself (a 409 on create). */
export const ErrorBody = Type.Object({
  message: Type.String(),
  category: Type.Optional(Type.String()),
})

export const ContactCompanies = Type.Object({
  status: Type.String(),
  results: Type.Array(
    Type.Object({
      from: Type.Object({ id: DigitsId }),
      // The reference says string; HubSpot has been seen sending numbers (see `schemas.ts`).
      to: Type.Array(Type.Object({ toObjectId: Type.Union([DigitsId, SafeIntegerId]) })),
      paging: Type.Optional(Type.Object({ next: Type.Optional(Type.Object({ after: Type.String({ maxLength: 512 }) })) })),
    }),
  ),
  errors: Type.Optional(Type.Array(BatchError)),
})

export const DefaultAssociations = Type.Object({
  status: Type.String(),
  results: Type.Array(Type.Object({ from: Type.Object({ id: DigitsId }), to: Type.Object({ id: DigitsId }) })),
  errors: Type.Optional(Type.Array(BatchError)),
})

export const OwnerPage = Type.Object({
  results: Type.Array(
    Type.Object({
      id: DigitsId,
      email: Type.Optional(Type.String()),
      firstName: Type.Optional(Type.String()),
      lastName: Type.Optional(Type.String()),
      archived: Type.Optional(Type.Boolean()),
    }),
  ),
  paging: Type.Optional(Type.Object({ next: Type.Optional(Type.Object({ after: Type.String({ maxLength: 512 }) })) })),
})

export const PropertyList = Type.Object({
  results: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String(),
      hasUniqueValue: Type.Optional(Type.Boolean()),
      modificationMetadata: Type.Optional(Type.Object({ readOnlyValue: Type.Optional(Type.Boolean()) })),
    }),
  ),
})
export type PropertyList = Static<typeof PropertyList>

export const AccountDetails = Type.Object({
  portalId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  uiDomain: Type.Optional(Type.String()),
})

/** The body of an answer the adapter judges itself (a status the client let through), checked
 * like the client checks any other: a malformed one is a 502. */
export function parseAnswer<S extends TSchema>(response: UpstreamResponse, schema: S, what: string): Static<S> {
  const body = parseBody(response.text)
  if (!Value.Check(schema, body)) throw new UpstreamBadResponseError(`HubSpot sent a malformed answer to ${what} (status ${response.status})`)
  return body as Static<S>
}

/** An answer's JSON, or `undefined` when it is none. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
