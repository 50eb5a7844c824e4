import type { CompanyFields, ContactFields, FieldMap, Lookup } from '../../src/kit/spec.ts'
import { extraFieldKeys } from '../../src/kit/utils.ts'

/**
 * Where Enginy's fields live in this Attio workspace. The standard attributes of people and
 * companies hold most of them (`record-values.ts`); what they cannot hold lives in custom
 * attributes a workspace admin adds and names in the connection's `fieldMap`, by `api_slug`:
 * `externalId` (a text attribute, best made unique on people; companies cannot have a unique
 * custom attribute), a contact's `company` name, a company's `industry` and `numberOfEmployees`.
 * The core maps Enginy's other fields through `fieldMap` itself (into `extra`); these standard ones
 * it hands over as fields, so the adapter reads their slugs from the map.
 */
export interface FieldPlan {
  readonly contacts: {
    readonly externalId?: string
    readonly company?: string
    /** Slugs of the other `fieldMap.contacts` entries: Enginy's extra fields. */
    readonly extra: readonly string[]
    readonly lookups: readonly Lookup[]
    readonly unsupported: readonly (keyof ContactFields & string)[]
  }
  readonly companies: {
    readonly externalId?: string
    readonly industry?: string
    readonly numberOfEmployees?: string
    readonly extra: readonly string[]
    readonly lookups: readonly Lookup[]
    readonly unsupported: readonly (keyof CompanyFields & string)[]
  }
}

export function fieldPlan(fieldMap: FieldMap): FieldPlan {
  const { contacts, companies } = fieldMap
  const numberOfEmployees = companies.numberOfEmployees ?? companies.employeeCount
  return {
    contacts: {
      externalId: contacts.externalId,
      company: contacts.company,
      extra: extraFieldKeys(fieldMap, 'contacts'),
      lookups: [...(contacts.externalId ? (['externalId'] as const) : []), 'email', 'linkedinUrl'],
      // People have no owner: only a custom actor-reference attribute could hold one.
      unsupported: ['ownerId', ...(contacts.company ? [] : (['company'] as const))],
    },
    companies: {
      externalId: companies.externalId,
      industry: companies.industry,
      numberOfEmployees,
      extra: extraFieldKeys(fieldMap, 'companies'),
      lookups: [...(companies.externalId ? (['externalId'] as const) : []), 'domain', 'linkedinUrl', 'name'],
      unsupported: ['ownerId', ...(companies.industry ? [] : (['industry'] as const)), ...(numberOfEmployees ? [] : (['numberOfEmployees'] as const))],
    },
  }
}
