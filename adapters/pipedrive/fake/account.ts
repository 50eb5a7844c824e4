/**
 * The fake Pipedrive company's own data: its users (v1 `/users`), its subdomain (`/users/me`) and
 * its person and organization fields (v1 `/personFields`, `/organizationFields`), built-in ones
 * and the custom fields a customer adds for Enginy (keys are 40 hex characters, as Pipedrive's).
 */

export const PIPEDRIVE_COMPANY_DOMAIN = 'enginy-sandbox'

const key = (seed: string) => seed.repeat(40).slice(0, 40)

/** The custom fields of the fake account, by what the tests keep in them. */
export const PIPEDRIVE_FIELDS = {
  personLinkedin: key('a1'),
  personCompany: key('a2'),
  personSequenceStatus: key('a3'),
  /** A date field: search cannot read it, so it cannot hold a lookup. */
  personBirthdayish: key('a4'),
  orgDomain: key('b1'),
  orgLinkedin: key('b2'),
  orgSequenceStatus: key('b3'),
} as const

export interface FakeUser {
  id: number
  name: string
  email: string
  active_flag: boolean
  is_deleted: boolean
}

export const USERS: readonly FakeUser[] = [
  { id: 1001, name: 'Ana Admin', email: 'ana@enginy-sandbox.example', active_flag: true, is_deleted: false },
  { id: 1002, name: 'Bo Seller', email: 'bo@enginy-sandbox.example', active_flag: true, is_deleted: false },
  { id: 1003, name: 'Cy Gone', email: 'cy@enginy-sandbox.example', active_flag: false, is_deleted: false },
]

export const INDUSTRIES = [
  { id: 11, label: 'Software' },
  { id: 12, label: 'Hardware' },
  { id: 13, label: 'Retail' },
] as const

export interface FieldDefinition {
  id: number
  key: string
  name: string
  field_type: string
  edit_flag: boolean
  options?: { id: number; label: string }[]
}

let nextFieldId = 1
const field = (key: string, name: string, field_type: string, custom = false, options?: FieldDefinition['options']): FieldDefinition => ({
  id: nextFieldId++,
  key,
  name,
  field_type,
  edit_flag: custom,
  ...(options && { options }),
})

export const PERSON_FIELDS: readonly FieldDefinition[] = [
  field('name', 'Name', 'varchar'),
  field('email', 'Email', 'varchar'),
  field('phone', 'Phone', 'phone'),
  field('org_id', 'Organization', 'org'),
  field('owner_id', 'Owner', 'user'),
  field('job_title', 'Job title', 'varchar'),
  field(PIPEDRIVE_FIELDS.personLinkedin, 'LinkedIn URL', 'varchar', true),
  field(PIPEDRIVE_FIELDS.personCompany, 'Company name', 'varchar', true),
  field(PIPEDRIVE_FIELDS.personSequenceStatus, 'Enginy sequence status', 'varchar', true),
  field(PIPEDRIVE_FIELDS.personBirthdayish, 'First contact', 'date', true),
]

export const ORGANIZATION_FIELDS: readonly FieldDefinition[] = [
  field('name', 'Name', 'varchar'),
  field('owner_id', 'Owner', 'user'),
  field('website', 'Website', 'varchar'),
  field('linkedin', 'LinkedIn profile', 'varchar'),
  field('industry', 'Industry', 'enum', false, INDUSTRIES.map((o) => ({ ...o }))),
  field('employee_count', 'Number of employees', 'int'),
  field(PIPEDRIVE_FIELDS.orgDomain, 'Domain', 'varchar', true),
  field(PIPEDRIVE_FIELDS.orgLinkedin, 'LinkedIn company page', 'varchar', true),
  field(PIPEDRIVE_FIELDS.orgSequenceStatus, 'Enginy sequence status', 'varchar', true),
]

/** The custom field keys of a field list, and which of them Pipedrive's search reads. */
export function customKeys(fields: readonly FieldDefinition[]): { all: Set<string>; searchable: Set<string> } {
  const custom = fields.filter((f) => /^[0-9a-f]{40}$/.test(f.key))
  const searchable = new Set(['address', 'varchar', 'text', 'varchar_auto', 'double', 'monetary', 'phone'])
  return { all: new Set(custom.map((f) => f.key)), searchable: new Set(custom.filter((f) => searchable.has(f.field_type)).map((f) => f.key)) }
}
