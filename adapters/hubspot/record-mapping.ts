import type { CallOptions, Lookup, NativeRecord, RecordInput } from '../../src/kit/spec.ts'
import { normalize } from '../../src/kit/utils.ts'
import type { CrmObject } from './answers.ts'
import type { OwnerResolver } from './owners.ts'

export type RecordKind = 'contacts' | 'companies'

/**
 * HubSpot's own property for each of the gateway's standard fields. A connection's `fieldMap`
 * entry for a standard field overrides it (`fieldMap.contacts.linkedinUrl: linkedin_profile`).
 *
 * - LinkedIn URL: HubSpot's `hs_linkedin_url` ("LinkedIn URL") on contacts, `linkedin_company_page`
 *   ("LinkedIn Company Page") on companies, the properties HubSpot's LinkedIn integrations fill.
 * - Not here, so not stored unless `fieldMap` names a property: `externalId` (HubSpot has no
 *   property for another system's id: the customer creates one), and a company's `industry`
 *   (HubSpot's `industry` is a dropdown of fixed values such as `COMPUTER_SOFTWARE`; Enginy's free
 *   text would be refused with a 400, so it is declared unsupported until mapped to a text property).
 */
const DEFAULTS: Record<RecordKind, Readonly<Record<string, string>>> = {
  contacts: {
    email: 'email',
    firstName: 'firstname',
    lastName: 'lastname',
    phone: 'phone',
    company: 'company',
    title: 'jobtitle',
    linkedinUrl: 'hs_linkedin_url',
    ownerId: 'hubspot_owner_id',
  },
  companies: {
    name: 'name',
    domain: 'domain',
    numberOfEmployees: 'numberofemployees',
    linkedinUrl: 'linkedin_company_page',
    ownerId: 'hubspot_owner_id',
  },
}

/** The gateway's standard fields of each kind (`src/service/record-fields.ts`). */
const STANDARD: Record<RecordKind, readonly string[]> = {
  contacts: ['externalId', 'email', 'firstName', 'lastName', 'phone', 'company', 'title', 'linkedinUrl', 'ownerId'],
  companies: ['externalId', 'name', 'domain', 'industry', 'numberOfEmployees', 'linkedinUrl', 'ownerId'],
}

/** Where a property the adapter reads or writes comes from, for messages naming it. */
export interface PropertySource {
  readonly property: string
  /** The `fieldMap` key naming it, or `undefined` for one of the defaults above. */
  readonly mappedFrom?: string
  readonly field: string
}

/** A kind's standard fields and extra fields as HubSpot properties, for one connection. */
export class RecordMapping {
  /** The property of each standard field the connection can hold. */
  readonly property = new Map<string, string>()
  /** The properties of extra fields: the connection's `fieldMap` entries for other names. */
  readonly extras: string[] = []
  /** Standard fields with no property: the core drops them with a warning. */
  readonly unsupported: string[] = []
  readonly sources: PropertySource[] = []

  constructor(
    readonly kind: RecordKind,
    fieldMap: Readonly<Record<string, string>>,
    private readonly owners: OwnerResolver,
  ) {
    for (const field of STANDARD[kind]) {
      const mapped = Object.hasOwn(fieldMap, field) ? fieldMap[field] : undefined
      const property = mapped ?? DEFAULTS[kind][field]
      if (property === undefined) {
        if (field !== 'externalId') this.unsupported.push(field)
        continue
      }
      this.property.set(field, property)
      this.sources.push({ property, field, ...(mapped !== undefined && { mappedFrom: field }) })
    }
    for (const [name, property] of Object.entries(fieldMap)) {
      if (STANDARD[kind].includes(name)) continue
      this.extras.push(property)
      this.sources.push({ property, field: name, mappedFrom: name })
    }
  }

  /** Every property a read asks for. */
  get read(): string[] {
    return [...new Set([...this.property.values(), ...this.extras])]
  }

  /**
   * A record's fields as HubSpot property values (HubSpot takes every value as a string). An owner
   * given by e-mail is resolved to its owner id. A domain is written as the bare domain the core
   * matches by (`https://www.Acme.com/about` → `acme.com`): HubSpot's `domain` is a bare domain,
   * it is what HubSpot dedupes companies and links contacts by, and a search can only find the
   * exact value. An e-mail address and Enginy's id are written trimmed.
   */
  async toProperties(fields: RecordInput<Record<string, unknown>>, options: CallOptions): Promise<Record<string, string>> {
    const properties: Record<string, string> = {}
    for (const [field, property] of this.property) {
      const value = fields[field]
      if (value === undefined || value === null) continue
      if (field === 'ownerId') properties[property] = await this.owners.resolve(String(value), options)
      else if (field === 'domain') properties[property] = normalize.domain(String(value)) ?? String(value)
      // Spaces around an address or an id are no part of it (the core matches both trimmed), and
      // HubSpot keeps e-mail addresses, and properties created unique, unique by value.
      else if (field === 'email' || field === 'externalId') properties[property] = String(value).trim()
      else properties[property] = asText(value)
    }
    for (const [property, value] of Object.entries(fields.extra ?? {})) {
      if (value !== undefined && value !== null && !(property in properties)) properties[property] = asText(value)
    }
    return properties
  }

  /** A HubSpot object as the gateway's record: standard fields, extra fields by property name. */
  fromObject(object: CrmObject): NativeRecord<Record<string, unknown>> {
    const record: NativeRecord<Record<string, unknown>> = { id: object.id }
    const created = object.createdAt === undefined ? Number.NaN : Date.parse(object.createdAt)
    if (Number.isFinite(created)) record.createdAt = created
    const modified = object.updatedAt === undefined ? Number.NaN : Date.parse(object.updatedAt)
    if (Number.isFinite(modified)) record.modifiedAt = modified
    for (const [field, property] of this.property) {
      const value = object.properties[property]
      if (value === undefined || value === null || value === '') continue
      if (field === 'numberOfEmployees') {
        const number = Number(value)
        if (Number.isFinite(number)) record[field] = number
      } else {
        record[field] = value
      }
    }
    const extra: Record<string, unknown> = {}
    for (const property of this.extras) {
      const value = object.properties[property]
      if (value !== undefined && value !== null) extra[property] = value
    }
    if (Object.keys(extra).length > 0) record.extra = extra
    return record
  }

  /** The lookups this connection can serve: the standard ones with a property. */
  lookups(candidates: readonly Lookup[]): Lookup[] {
    return candidates.filter((by) => this.property.has(by))
  }
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}
