import { type Static, Type } from '@sinclair/typebox'
import { DigitsId, SafeIntegerId } from '../../src/kit/utils.ts'

/**
 * The parts of HubSpot's answers the adapter reads, checked before use (written from HubSpot's
 * CRM v3 objects, v4 associations and v3 owners reference). Anything else in an answer is ignored.
 * Every id is checked to be a HubSpot record id (digits) here, before any later call can put it
 * in a path: an answer naming anything else is malformed, a 502.
 */

/** HubSpot sends every property as a string, and `null` for a requested property that is unset. */
const Properties = Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))

const AssociatedIds = Type.Object({
  results: Type.Array(Type.Object({ id: DigitsId, type: Type.String() })),
})

export const HubSpotObject = Type.Object({
  id: DigitsId,
  properties: Properties,
  /** When HubSpot last changed it (`hs_lastmodifieddate`), ISO 8601. */
  updatedAt: Type.Optional(Type.String()),
  associations: Type.Optional(Type.Record(Type.String(), AssociatedIds)),
})
export type HubSpotObject = Static<typeof HubSpotObject>

export const StandardError = Type.Object({
  status: Type.String(),
  category: Type.String(),
  message: Type.String(),
  subCategory: Type.Optional(Type.String()),
  context: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
})
export type StandardError = Static<typeof StandardError>

export const BatchObjects = Type.Object({
  status: Type.String(),
  results: Type.Array(HubSpotObject),
  errors: Type.Optional(Type.Array(StandardError)),
})

export const BatchAssociations = Type.Object({
  status: Type.String(),
  results: Type.Array(
    Type.Object({
      from: Type.Object({ id: DigitsId }),
      to: Type.Array(
        Type.Object({
          // The reference says string; HubSpot has been seen sending numbers. Either is read, a
          // number only while JSON holds it exactly.
          toObjectId: Type.Union([DigitsId, SafeIntegerId]),
          associationTypes: Type.Array(Type.Object({ typeId: Type.Integer(), category: Type.String() })),
        }),
      ),
    }),
  ),
  errors: Type.Optional(Type.Array(StandardError)),
})

export const Owners = Type.Object({
  results: Type.Array(Type.Object({ id: DigitsId, email: Type.Optional(Type.String()) })),
})

