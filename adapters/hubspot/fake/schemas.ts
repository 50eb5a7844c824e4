import { type TSchema, Type } from '@sinclair/typebox'

/**
 * Request bodies of the record, engagement, search and association endpoints, written here from
 * HubSpot's 2026-09 reference (required members as it lists them). Not a copy of it: only what
 * the fake checks.
 */

const PropertyValues = Type.Record(Type.String(), Type.String())
const ObjectId = Type.Object({ id: Type.String() })
const AssociationSpec = Type.Object({
  associationCategory: Type.Union(['HUBSPOT_DEFINED', 'INTEGRATOR_DEFINED', 'USER_DEFINED', 'WORK'].map((c) => Type.Literal(c))),
  associationTypeId: Type.Integer(),
})
const Associations = Type.Array(Type.Object({ to: ObjectId, types: Type.Array(AssociationSpec) }))

const OPERATORS = ['BETWEEN', 'CONTAINS_TOKEN', 'EQ', 'GT', 'GTE', 'HAS_PROPERTY', 'IN', 'LT', 'LTE', 'NEQ', 'NOT_CONTAINS_TOKEN', 'NOT_HAS_PROPERTY', 'NOT_IN']

export const recordRequests = {
  /** `BatchInputSimplePublicObjectBatchInputForCreate`: `associations` and `properties` required. */
  batchCreate: Type.Object({
    inputs: Type.Array(Type.Object({ properties: PropertyValues, associations: Associations, objectWriteTraceId: Type.Optional(Type.String()) })),
  }),
  /** `BatchInputSimplePublicObjectBatchInput`. */
  batchUpdate: Type.Object({
    inputs: Type.Array(
      Type.Object({ id: Type.String(), properties: PropertyValues, idProperty: Type.Optional(Type.String()), objectWriteTraceId: Type.Optional(Type.String()) }),
    ),
  }),
  /** `BatchReadInputSimplePublicObjectId`: `properties` and `propertiesWithHistory` required. */
  batchRead: Type.Object({
    inputs: Type.Array(ObjectId),
    properties: Type.Array(Type.String()),
    propertiesWithHistory: Type.Array(Type.String()),
    idProperty: Type.Optional(Type.String()),
  }),
  /** `PublicObjectSearchRequest`: the reference lists every member but `query` as required. */
  search: Type.Object({
    filterGroups: Type.Array(
      Type.Object({
        filters: Type.Array(
          Type.Object({
            propertyName: Type.String(),
            operator: Type.Union(OPERATORS.map((o) => Type.Literal(o))),
            value: Type.Optional(Type.String()),
            highValue: Type.Optional(Type.String()),
            values: Type.Optional(Type.Array(Type.String())),
          }),
        ),
      }),
    ),
    properties: Type.Array(Type.String()),
    // The OpenAPI file types sorts as strings; the search guide sends `{propertyName, direction}`,
    // which is what the gateway sends.
    sorts: Type.Array(Type.Union([Type.String(), Type.Object({ propertyName: Type.String(), direction: Type.Optional(Type.Union([Type.Literal('ASCENDING'), Type.Literal('DESCENDING')])) })])),
    limit: Type.Integer(),
    after: Type.String(),
    query: Type.Optional(Type.String()),
  }),
  /** `SimplePublicObjectInputForCreate`, for emails and communications. */
  create: Type.Object({ properties: PropertyValues, associations: Associations }),
  /** `BatchInputPublicDefaultAssociationMultiPost`. */
  associateDefault: Type.Object({ inputs: Type.Array(Type.Object({ from: ObjectId, to: ObjectId })) }),
  /** `BatchInputPublicFetchAssociationsBatchRequest`. */
  associationsRead: Type.Object({ inputs: Type.Array(Type.Object({ id: Type.String(), after: Type.Optional(Type.String()) })) }),
} satisfies Record<string, TSchema>
