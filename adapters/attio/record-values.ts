import type { CompanyFields, ContactFields, NativeCompany, NativeContact, RecordInput } from '../../src/kit/spec.ts'
import { normalize } from '../../src/kit/utils.ts'
import type { FieldPlan } from './field-plan.ts'
import type { AttioRecord, AttributeValue } from './schemas.ts'
import { parseAttioTime } from './times.ts'

/**
 * Contacts as Attio people and companies as Attio companies, both ways. Standard attributes
 * (https://docs.attio.com/docs/standard-objects/standard-objects-people and
 * …-companies): people's unique `email_addresses`, `name` (first, last and full),
 * `job_title`, `phone_numbers` and `linkedin`; companies' unique `domains`, `name` and
 * `linkedin`. E-mails and domains are written in the form the core matches them by (trimmed,
 * lower case; a domain without scheme, `www.` or path), the form Attio keeps them in: an assert
 * by them then finds what a lookup finds. Custom attributes are written bare (`"text"`, `42`),
 * as Attio's `InputValue` takes them.
 */

type Values = Record<string, unknown>

/** A custom attribute's value: scalars as they are; anything else as its JSON text. */
const custom = (value: unknown) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value))

function extraValues(extra: Record<string, unknown> | undefined): Values {
  return Object.fromEntries(Object.entries(extra ?? {}).map(([slug, value]) => [slug, custom(value)]))
}

/**
 * `name` is one value of three parts: a write replaces all of them, so a change of one part
 * needs the other as the record holds it (`held`).
 */
export function contactValues(fields: RecordInput<Partial<ContactFields>>, plan: FieldPlan['contacts'], held?: NativeContact): Values {
  const values: Values = {}
  const email = fields.email === undefined ? undefined : normalize.email(fields.email)
  if (email) values.email_addresses = [email]
  if (fields.firstName !== undefined || fields.lastName !== undefined) {
    const first = fields.firstName ?? held?.firstName ?? ''
    const last = fields.lastName ?? held?.lastName ?? ''
    values.name = [{ first_name: first, last_name: last, full_name: [first, last].filter(Boolean).join(' ') }]
  }
  if (fields.title !== undefined) values.job_title = fields.title
  if (fields.phone) values.phone_numbers = [{ original_phone_number: fields.phone.trim() }]
  if (fields.linkedinUrl !== undefined) values.linkedin = fields.linkedinUrl.trim()
  if (plan.externalId && fields.externalId !== undefined) values[plan.externalId] = fields.externalId.trim()
  if (plan.company && fields.company !== undefined) values[plan.company] = fields.company
  return { ...values, ...extraValues(fields.extra) }
}

export function companyValues(fields: RecordInput<Partial<CompanyFields>>, plan: FieldPlan['companies']): Values {
  const values: Values = {}
  const domain = fields.domain === undefined ? undefined : normalize.domain(fields.domain)
  if (domain) values.domains = [domain]
  if (fields.name !== undefined) values.name = fields.name
  if (fields.linkedinUrl !== undefined) values.linkedin = fields.linkedinUrl.trim()
  if (plan.externalId && fields.externalId !== undefined) values[plan.externalId] = fields.externalId.trim()
  if (plan.industry && fields.industry !== undefined) values[plan.industry] = fields.industry
  if (plan.numberOfEmployees && fields.numberOfEmployees !== undefined) values[plan.numberOfEmployees] = fields.numberOfEmployees
  return { ...values, ...extraValues(fields.extra) }
}

/** The first active value of an attribute; Attio answers every attribute as an array. */
const first = (record: AttioRecord, slug: string): AttributeValue | undefined => record.values[slug]?.find((value) => value.active_until == null)

/** A field of the first value, where it is a string (and not empty). */
function text(record: AttioRecord, slug: string | undefined, field = 'value'): string | undefined {
  const value = slug === undefined ? undefined : first(record, slug)?.[field]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function scalar(record: AttioRecord, slug: string): unknown {
  const value = first(record, slug)?.value
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined
}

function extraOf(record: AttioRecord, slugs: readonly string[]): { extra?: Record<string, unknown> } {
  const extra = Object.fromEntries(slugs.flatMap((slug) => (scalar(record, slug) === undefined ? [] : [[slug, scalar(record, slug)]])))
  return Object.keys(extra).length > 0 ? { extra } : {}
}

const dropUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

export function fromPerson(record: AttioRecord, plan: FieldPlan['contacts']): NativeContact {
  return dropUndefined({
    id: record.id.record_id,
    createdAt: parseAttioTime(record.created_at),
    externalId: text(record, plan.externalId),
    email: text(record, 'email_addresses', 'email_address'),
    firstName: text(record, 'name', 'first_name'),
    lastName: text(record, 'name', 'last_name'),
    title: text(record, 'job_title'),
    phone: text(record, 'phone_numbers', 'original_phone_number') ?? text(record, 'phone_numbers', 'phone_number'),
    linkedinUrl: text(record, 'linkedin'),
    company: text(record, plan.company),
    ...extraOf(record, plan.extra),
  })
}

export function fromCompany(record: AttioRecord, plan: FieldPlan['companies']): NativeCompany {
  const employees = plan.numberOfEmployees === undefined ? undefined : first(record, plan.numberOfEmployees)?.value
  return dropUndefined({
    id: record.id.record_id,
    createdAt: parseAttioTime(record.created_at),
    externalId: text(record, plan.externalId),
    name: text(record, 'name'),
    domain: text(record, 'domains', 'domain'),
    linkedinUrl: text(record, 'linkedin'),
    industry: text(record, plan.industry),
    numberOfEmployees: typeof employees === 'number' ? employees : undefined,
    ...extraOf(record, plan.extra),
  })
}

/** The person a record reference of `company` points at, if any. */
export function companyOf(record: AttioRecord): string | undefined {
  return text(record, 'company', 'target_record_id')
}
