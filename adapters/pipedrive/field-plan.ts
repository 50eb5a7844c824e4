import type { CompanyFields, ContactFields, FieldMap, Lookup } from '../../src/kit/spec.ts'
import { extraFieldKeys } from '../../src/kit/utils.ts'

/**
 * Where each of Enginy's standard fields lives in this Pipedrive account, from the connection's
 * `fieldMap`. Pipedrive has no built-in field for a person's LinkedIn URL or company name, nor for
 * an organization's domain: a customer adds custom fields for them and names their API keys in
 * `fieldMap` (`fieldMap.contacts.linkedinUrl: <key>`). The core maps every other field through
 * `fieldMap` itself (into `extra`); these standard ones it hands over as fields, so this adapter
 * reads their keys from the map.
 *
 * A field kept in a custom text field can be searched, so it becomes a lookup; one that is not
 * mapped is stored where Pipedrive has a place for it (an organization's `website` and `linkedin`,
 * which search cannot reach) or, with nowhere to go, declared unsupported.
 */
export interface FieldPlan {
  readonly contacts: {
    readonly linkedinUrl?: string
    readonly company?: string
    /** Custom field keys of the other `fieldMap.contacts` entries: Enginy's extra fields. */
    readonly extra: readonly string[]
    readonly lookups: readonly Lookup[]
    readonly unsupported: readonly (keyof ContactFields & string)[]
  }
  readonly companies: {
    readonly domain?: string
    readonly linkedinUrl?: string
    readonly industry?: string
    readonly extra: readonly string[]
    readonly lookups: readonly Lookup[]
    readonly unsupported: readonly (keyof CompanyFields & string)[]
  }
}

export function fieldPlan(fieldMap: FieldMap): FieldPlan {
  const contacts = fieldMap.contacts
  const companies = fieldMap.companies
  return {
    contacts: {
      linkedinUrl: contacts.linkedinUrl,
      company: contacts.company,
      extra: extraFieldKeys(fieldMap, 'contacts'),
      // E-mail search is built in; Pipedrive has no field for Enginy's externalId to look up.
      lookups: ['email', ...(contacts.linkedinUrl ? (['linkedinUrl'] as const) : [])],
      unsupported: [...(contacts.linkedinUrl ? [] : (['linkedinUrl'] as const)), ...(contacts.company ? [] : (['company'] as const))],
    },
    companies: {
      domain: companies.domain,
      linkedinUrl: companies.linkedinUrl,
      industry: companies.industry,
      extra: extraFieldKeys(fieldMap, 'companies'),
      lookups: [...(companies.domain ? (['domain'] as const) : []), ...(companies.linkedinUrl ? (['linkedinUrl'] as const) : []), 'name'],
      unsupported: [],
    },
  }
}

/** The custom field keys a list call asks for: Pipedrive takes at most 15 (`custom_fields`);
 * with more, it is left out and every field comes. */
export function customFieldsQuery(keys: readonly (string | undefined)[]): Record<string, string> {
  const wanted = [...new Set(keys.filter((key): key is string => key !== undefined))]
  return wanted.length > 0 && wanted.length <= 15 ? { custom_fields: wanted.join(',') } : {}
}
