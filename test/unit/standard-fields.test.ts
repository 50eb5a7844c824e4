import { describe, expect, it } from 'vitest'
import { extraFieldKeys, isStandardField } from '../../src/service/standard-fields.ts'

describe('standard fields and extra fields of a fieldMap', () => {
  it('knows the standard fields of each kind, aliases and ownerId included', () => {
    for (const name of ['email', 'firstName', 'linkedinUrl', 'ownerId', 'externalId']) expect(isStandardField('contacts', name), name).toBe(true)
    for (const name of ['domain', 'numberOfEmployees', 'employeeCount', 'ownerId']) expect(isStandardField('companies', name), name).toBe(true)
    expect(isStandardField('contacts', 'domain')).toBe(false)
    expect(isStandardField('companies', 'seniority')).toBe(false)
  })

  it("gives the CRM keys of the other entries, each once, of the kind's map only", () => {
    const fieldMap = {
      contacts: { externalId: 'enginy_id', seniority: 'level', persona: 'level', leadSource: 'source' },
      companies: { employeeCount: 'size', funding: 'funding_round' },
    }
    expect(extraFieldKeys(fieldMap, 'contacts')).toEqual(['level', 'source'])
    expect(extraFieldKeys(fieldMap, 'companies')).toEqual(['funding_round'])
  })
})
