import { Type } from '@sinclair/typebox'
import { ItemErrorFields } from './common.ts'

const Id = (description: string, example: string) => Type.String({ minLength: 1, maxLength: 256, description, examples: [example] })
const Copy = (example: string) => Type.String({ description: 'copied from the request', examples: [example] })

export const Associate = Type.Object(
  {
    associations: Type.Array(
      Type.Object(
        { contactCRMId: Id("the contact's crmId", 'hubspot.1001'), companyCRMId: Id("the company's crmId", 'hubspot.2001') },
        { additionalProperties: true, description: 'a contact to link to a company' },
      ),
      {
        'x-limit': 'maxBatchRecords',
        description: 'the pairs to link; several contacts may name one company. At most `limits.maxBatchRecords` (1,000 by default)',
      },
    ),
  },
  { description: 'Contacts to link to companies' },
)

export const AssociateAnswer = Type.Object(
  {
    success: Type.Boolean({ description: 'true: the request was handled; failed pairs are in errors', examples: [true] }),
    created: Type.Integer({ description: 'links made; a pair linked before is not counted again', examples: [1] }),
    errors: Type.Array(
      Type.Object({ contactCRMId: Copy('hubspot.1002'), companyCRMId: Copy('hubspot.2999'), ...ItemErrorFields }, { description: 'a pair that was not linked' }),
      { description: 'the pairs that could not be linked, and why' },
    ),
  },
  { description: 'The links made, and the pairs that could not be linked' },
)
