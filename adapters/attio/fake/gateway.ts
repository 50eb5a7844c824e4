import { customAttribute } from './attributes.ts'
import type { AttioFake } from './server.ts'

/**
 * The custom attributes a workspace admin adds for Enginy, and the `fieldMap` naming them: a
 * unique text `enginy_id` on people for Enginy's externalId (companies cannot have a unique custom
 * attribute: "you cannot create new custom attributes with a unique constraint for Company
 * objects", https://docs.attio.com/docs/standard-objects/standard-objects-companies), a company's
 * industry and headcount, and an engagement field on both.
 */
export const ATTIO_FIELD_MAP = {
  contacts: { externalId: 'enginy_id', campaignSequenceStatus: 'enginy_sequence_status' },
  companies: { externalId: 'enginy_id', industry: 'industry_text', numberOfEmployees: 'employee_count', campaignSequenceStatus: 'enginy_sequence_status' },
}

export function addEnginyAttributes(fake: AttioFake): void {
  fake.people.attributes.push(customAttribute('enginy_id', 'text', { unique: true }), customAttribute('enginy_sequence_status', 'text'))
  fake.companies.attributes.push(
    customAttribute('enginy_id', 'text'),
    customAttribute('industry_text', 'text'),
    customAttribute('employee_count', 'number'),
    customAttribute('enginy_sequence_status', 'text'),
  )
}
