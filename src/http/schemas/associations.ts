import { Type } from '@sinclair/typebox'
import { ItemErrorFields } from './common.ts'

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 256, description, examples: ['hubspot.1001'] })

export const Associate = Type.Object({
  associations: Type.Array(
    Type.Object(
      { contactCRMId: Id("the contact's crmId"), companyCRMId: Id("the company's crmId") },
      { additionalProperties: true, description: 'a contact to link to a company' },
    ),
    { description: 'the pairs to link; several contacts may name one company' },
  ),
})

export const AssociateAnswer = Type.Object({
  success: Type.Boolean({ description: 'true: the request was handled; failed pairs are in errors' }),
  created: Type.Integer({ description: 'links made; a pair linked before is not counted again', examples: [1] }),
  errors: Type.Array(
    Type.Object({ contactCRMId: Type.String(), companyCRMId: Type.String(), ...ItemErrorFields }, { description: 'a pair that was not linked' }),
    { description: 'the pairs that could not be linked, and why' },
  ),
})
