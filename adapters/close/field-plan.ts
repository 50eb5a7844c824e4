import type { CompanyFields, ContactFields, FieldMap, Lookup } from '../../src/kit/spec.ts'
import { ConfigError, isStandardField } from '../../src/kit/utils.ts'

/**
 * Where Enginy's fields live in this Close organization. Close has no field for Enginy's
 * `externalId`, nor for a lead's industry, headcount or LinkedIn page, nor an owner on leads or
 * contacts (FACTS.md, "What cannot be held"): a customer adds custom fields for the ones it wants
 * and names their ids in `fieldMap` (`fieldMap.companies.industry: cf_…`). Each such standard field
 * is written to and read from its custom field here; one left unmapped is declared unsupported, and
 * the core drops it with a warning. Every other `fieldMap` entry is an extra field, which the core
 * hands over under its custom field id. A custom field can be searched, so a mapped `externalId`,
 * and a lead's mapped `linkedinUrl`, are lookups. A contact's LinkedIn URL is one of its `urls`,
 * which no search was seen to reach: not a lookup.
 */
export interface KindPlan<F> {
  /** Standard fields kept in custom fields: Enginy's name to the custom field id. */
  readonly custom: Readonly<Partial<Record<keyof F & string, string>>>
  /** Custom field ids of the extra fields. */
  readonly extra: readonly string[]
  readonly lookups: readonly Lookup[]
  readonly unsupported: readonly (keyof F & string)[]
}

export interface FieldPlan {
  readonly contacts: KindPlan<ContactFields>
  readonly companies: KindPlan<CompanyFields>
}

/** Standard fields Close cannot hold but in a custom field. */
const CONTACT_CUSTOM = ['externalId', 'ownerId'] as const
const COMPANY_CUSTOM = ['externalId', 'industry', 'numberOfEmployees', 'linkedinUrl', 'ownerId'] as const

const CUSTOM_FIELD = /^(?:custom\.)?(cf_[A-Za-z0-9]{1,64})$/

export function fieldPlan(fieldMap: FieldMap, connection: string): FieldPlan {
  const plan = <F>(map: Readonly<Record<string, string>>, kind: 'contacts' | 'companies', customizable: readonly string[], builtIn: Lookup[], always: string[]): KindPlan<F> => {
    const idOf = (name: string, value: string) => {
      const match = CUSTOM_FIELD.exec(value)
      if (!match) throw new ConfigError(`connections.${connection}.fieldMap.${kind}.${name}`, `"${value}" is not a Close custom field id (cf_…)`)
      return match[1]!
    }
    const custom = Object.fromEntries(customizable.filter((name) => map[name] !== undefined).map((name) => [name, idOf(name, map[name]!)]))
    const extra = Object.entries(map).flatMap(([name, value]) => (isStandardField(kind, name) ? [] : [idOf(name, value)]))
    return {
      custom: custom as KindPlan<F>['custom'],
      extra: [...new Set(extra)],
      lookups: [...(custom.externalId ? (['externalId'] as const) : []), ...builtIn, ...(kind === 'companies' && custom.linkedinUrl ? (['linkedinUrl'] as const) : [])],
      unsupported: [...always, ...customizable.filter((name) => custom[name] === undefined)] as (keyof F & string)[],
    }
  }
  return {
    // A contact's lead is its company, linked by association; `company` (a name) has no place.
    contacts: plan<ContactFields>(fieldMap.contacts, 'contacts', CONTACT_CUSTOM, ['email'], ['company']),
    companies: plan<CompanyFields>(fieldMap.companies, 'companies', COMPANY_CUSTOM, ['domain', 'name'], []),
  }
}

/** The body key of a custom field: `custom.cf_…`. */
export const customKey = (id: string) => `custom.${id}`
