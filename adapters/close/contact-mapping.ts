import type { Static } from '@sinclair/typebox'
import type { ContactFields, NativeContact, RecordInput } from '../../src/kit/spec.ts'
import { customBody, customFields, customKeys } from './custom-values.ts'
import type { KindPlan } from './field-plan.ts'
import type { Contact } from './schemas.ts'
import { parseCloseTime } from './times.ts'

export type CloseContact = Static<typeof Contact>
type Plan = KindPlan<ContactFields>

/** The fields a contact's answer is asked for (`_fields`), its custom ones included. */
export const contactFields = (plan: Plan) => ['id', 'lead_id', 'name', 'title', 'emails', 'phones', 'urls', 'date_created', 'date_updated', ...customKeys(plan)]

const isLinkedin = (url: string) => /(^|[/.])linkedin\.com\//i.test(url)

/**
 * Close keeps one `name` (FACTS.md): first and last name joined on write, split at the first
 * space on read. An e-mail, phone or LinkedIn URL is the first entry of its list (labelled
 * `office`, `linkedin`); on update it goes first and the contact's other entries stay, since a
 * new list replaces the old one.
 */
export function toContact(input: RecordInput<Partial<ContactFields>>, plan: Plan, current?: CloseContact): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (input.firstName !== undefined || input.lastName !== undefined) {
    const [first, last] = splitName(current?.name)
    body.name = [input.firstName ?? first, input.lastName ?? last].filter(Boolean).join(' ')
  }
  if (input.title !== undefined) body.title = input.title
  if (input.email !== undefined) body.emails = first({ email: input.email, type: 'office' }, current?.emails, 'email')
  if (input.phone !== undefined) body.phones = first({ phone: input.phone, type: 'office' }, current?.phones, 'phone')
  if (input.linkedinUrl !== undefined) {
    body.urls = first({ url: input.linkedinUrl, type: 'linkedin' }, current?.urls?.filter((u) => !isLinkedin(u.url)), 'url')
  }
  return { ...body, ...customBody(plan, input as Record<string, unknown>, input.extra) }
}

/** Whether an update needs the contact as it is: a list to keep, or half a name to complete. */
export const needsCurrent = (fields: Partial<ContactFields>) =>
  fields.email !== undefined || fields.phone !== undefined || fields.linkedinUrl !== undefined || (fields.firstName === undefined) !== (fields.lastName === undefined)

export function fromContact(contact: CloseContact, plan: Plan): NativeContact {
  const [firstName, lastName] = splitName(contact.name)
  const linkedin = contact.urls?.find((url) => isLinkedin(url.url))?.url
  const { fields, extra } = customFields(plan, contact as Record<string, unknown>)
  const createdAt = parseCloseTime(contact.date_created)
  const modifiedAt = parseCloseTime(contact.date_updated)
  return {
    id: contact.id,
    ...(contact.emails?.[0] && { email: contact.emails[0].email }),
    ...(firstName && { firstName }),
    ...(lastName && { lastName }),
    ...(contact.title && { title: contact.title }),
    ...(contact.phones?.[0] && { phone: contact.phones[0].phone }),
    ...(linkedin && { linkedinUrl: linkedin }),
    ...(fields as Partial<ContactFields>),
    ...(extra && { extra }),
    ...(createdAt !== undefined && { createdAt }),
    ...(modifiedAt !== undefined && { modifiedAt }),
  }
}

function splitName(name: string | null | undefined): [string | undefined, string | undefined] {
  const trimmed = name?.trim()
  if (!trimmed) return [undefined, undefined]
  const space = trimmed.indexOf(' ')
  return space < 0 ? [trimmed, undefined] : [trimmed.slice(0, space), trimmed.slice(space + 1).trim() || undefined]
}

/** `entry` first, then the others without another of the same value (the label is kept). */
function first<K extends string, T extends Record<K, string> & { type?: string | null }>(entry: T, others: readonly T[] | undefined, key: K): { [k: string]: string }[] {
  const kept = (others ?? []).filter((other) => other[key].toLowerCase() !== entry[key].toLowerCase())
  return [entry, ...kept].map((item) => ({ [key]: item[key], ...(item.type && { type: item.type }) }))
}
