import type { CallOptions, ContactFields, NativeContact, RecordInput } from '../../src/kit/spec.ts'
import type { FieldPlan } from './field-plan.ts'
import type { Person } from './record-schemas.ts'
import { integerId } from './references.ts'
import { parseTime } from './times.ts'

type Plan = FieldPlan['contacts']
type Entry = { value: string; primary: boolean; label: string }

/** The body v2's `POST`/`PATCH /persons` take, as far as contacts use it. */
export interface PersonBody {
  name?: string
  owner_id?: number
  emails?: Entry[]
  phones?: Entry[]
  job_title?: string
  custom_fields?: Record<string, unknown>
}

/** Whether writing `fields` needs the person as it is: v2 takes a whole `name` (Pipedrive splits
 * it into first and last name itself) and whole lists of e-mails and phones. */
export const needsCurrent = (fields: RecordInput<Partial<ContactFields>>): boolean =>
  (fields.firstName === undefined) !== (fields.lastName === undefined) || fields.email !== undefined || fields.phone !== undefined

/**
 * Contact fields to a person body. The e-mail and phone become the primary entries, and the
 * person's other ones stay (`current`, where it exists). Without a name, a new person is named by
 * its e-mail: Pipedrive requires a name (v1 lists it as required; the v2 file lists nothing).
 */
export function toPerson(
  fields: RecordInput<Partial<ContactFields>>,
  plan: Plan,
  current: Person | undefined,
  creating: boolean,
  options: CallOptions,
): PersonBody {
  const body: PersonBody = {}
  const first = fields.firstName ?? (fields.lastName !== undefined ? (current?.first_name ?? undefined) : undefined)
  const last = fields.lastName ?? (fields.firstName !== undefined ? (current?.last_name ?? undefined) : undefined)
  const name = [first, last].filter((part) => part !== undefined && part.trim() !== '').join(' ')
  if (name) body.name = name
  else if (creating) {
    body.name = fields.email ?? fields.linkedinUrl ?? `Enginy ${fields.externalId ?? 'contact'}`
    options.warn({ type: 'compatibility', field: 'firstName', message: `Pipedrive requires a person's name; a contact without one is named "${body.name}"` })
  }
  if (fields.email !== undefined) body.emails = primaryFirst(fields.email, current?.emails)
  if (fields.phone !== undefined) body.phones = primaryFirst(fields.phone, current?.phones)
  if (fields.title !== undefined) body.job_title = fields.title
  if (fields.ownerId !== undefined) body.owner_id = integerId('ownerId', fields.ownerId)
  const custom: Record<string, unknown> = { ...fields.extra }
  if (plan.linkedinUrl && fields.linkedinUrl !== undefined) custom[plan.linkedinUrl] = fields.linkedinUrl
  if (plan.company && fields.company !== undefined) custom[plan.company] = fields.company
  if (Object.keys(custom).length > 0) body.custom_fields = custom
  return body
}

/** A person to the gateway's contact, with the custom fields `plan` names. */
export function fromPerson(person: Person, plan: Plan): NativeContact {
  const contact: NativeContact = { id: String(person.id) }
  const created = parseTime(person.add_time)
  if (created !== undefined) contact.createdAt = created
  const modified = parseTime(person.update_time)
  if (modified !== undefined) contact.modifiedAt = modified
  const custom = person.custom_fields ?? {}
  const values: Partial<Record<keyof ContactFields, string | null | undefined>> = {
    email: primary(person.emails),
    firstName: person.first_name,
    lastName: person.last_name,
    phone: primary(person.phones),
    title: person.job_title,
    ownerId: person.owner_id ? String(person.owner_id) : undefined,
    linkedinUrl: plan.linkedinUrl ? text(custom[plan.linkedinUrl]) : undefined,
    company: plan.company ? text(custom[plan.company]) : undefined,
  }
  Object.assign(contact, Object.fromEntries(Object.entries(values).filter(([, value]) => typeof value === 'string' && value !== '')))
  const extra = Object.fromEntries(plan.extra.flatMap((key) => (custom[key] === undefined || custom[key] === null ? [] : [[key, custom[key]]])))
  if (Object.keys(extra).length > 0) contact.extra = extra
  return contact
}

/** The primary entry's value, else the first's. */
export function primary(entries: Person['emails']): string | undefined {
  return (entries?.find((entry) => entry.primary) ?? entries?.[0])?.value
}

function primaryFirst(value: string, current: Person['emails']): Entry[] {
  const others = (current ?? [])
    .filter((entry) => !entry.primary && entry.value.trim().toLowerCase() !== value.trim().toLowerCase())
    .map((entry) => ({ value: entry.value, primary: false, label: entry.label ?? 'other' }))
  return [{ value, primary: true, label: 'work' }, ...others]
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
