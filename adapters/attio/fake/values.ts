import type { AttributeDef, AttributeType, ObjectSlug } from './attributes.ts'
import { attioTimestamp } from './time.ts'

/**
 * Attribute values as Attio writes and reads them (https://docs.attio.com/docs/attribute-types
 * and its page per type). A write takes one value or an array of values, each either the bare
 * value or an object with the type's keys; every read answers an array of value objects, each
 * with `active_from`, `active_until` (null while active), `created_by_actor` and
 * `attribute_type`, and the type's own fields.
 */

export interface Actor {
  readonly type: 'api-token' | 'workspace-member' | 'system'
  readonly id: string | null
}

export interface StoredValue {
  readonly fields: Readonly<Record<string, unknown>>
  readonly activeFrom: number
  readonly actor: Actor
}

export type Written = { ok: true; fields: Record<string, unknown>[] } | { ok: false; notFound: boolean; problem: string }

/** Finds the record a reference names, by id or by a unique attribute of the target object. */
export type ResolveReference = (target: ObjectSlug, item: Record<string, unknown> | string) => string | { problem: string }

/** The property shorthand filters and matching compare, per type (the attribute type pages). */
export const MAIN_PROPERTY: Record<AttributeType, string> = {
  text: 'value',
  number: 'value',
  checkbox: 'value',
  'personal-name': 'full_name',
  'email-address': 'email_address',
  'phone-number': 'phone_number',
  domain: 'domain',
  'record-reference': 'target_record_id',
  timestamp: 'value',
  'actor-reference': 'referenced_actor_id',
}

const fail = (problem: string, notFound = false): Written => ({ ok: false, notFound, problem })
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The fields of each value written to `def`; `null` and `[]` clear the attribute. */
export function writeValues(def: AttributeDef, raw: unknown, resolve: ResolveReference): Written {
  const items = raw === null ? [] : Array.isArray(raw) ? raw : [raw]
  if (!def.multiselect && items.length > 1) return fail(`Attribute "${def.slug}" takes a single value, ${items.length} were given.`)
  const fields: Record<string, unknown>[] = []
  for (const item of items) {
    const written = writeOne(def, item, resolve)
    if (!written.ok) return written
    fields.push(...written.fields)
  }
  return { ok: true, fields }
}

function writeOne(def: AttributeDef, item: unknown, resolve: ResolveReference): Written {
  const bare = (key: string) => (isObject(item) ? item[key] : item)
  switch (def.type) {
    case 'text': {
      const value = bare('value')
      return typeof value === 'string' ? { ok: true, fields: [{ value }] } : fail(`Attribute "${def.slug}" takes text.`)
    }
    case 'number': {
      const value = bare('value')
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, fields: [{ value }] } : fail(`Attribute "${def.slug}" takes a number.`)
    }
    case 'checkbox': {
      const value = bare('value')
      // Attio also takes the strings 'true' and 'false' for a checkbox (the `InputValue` schema).
      if (value === 'true' || value === 'false') return { ok: true, fields: [{ value: value === 'true' }] }
      return typeof value === 'boolean' ? { ok: true, fields: [{ value }] } : fail(`Attribute "${def.slug}" takes a boolean.`)
    }
    case 'personal-name':
      return personalName(def, item)
    case 'email-address':
      return emailAddress(def, bare('email_address'))
    case 'phone-number':
      return phoneNumber(def, item)
    case 'domain':
      return domain(def, bare('domain'))
    case 'record-reference':
      return recordReference(def, item, resolve)
    default:
      return fail(`Attribute "${def.slug}" is not writable.`)
  }
}

/** A personal name is written as an object of `first_name`, `last_name` and `full_name`; the
 * full name is derived when only the parts are given. */
function personalName(def: AttributeDef, item: unknown): Written {
  if (!isObject(item)) return fail(`Attribute "${def.slug}" takes an object of first_name, last_name and full_name.`)
  const part = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : undefined)
  const first = part('first_name') ?? ''
  const last = part('last_name') ?? ''
  const full = part('full_name') ?? [first, last].filter(Boolean).join(' ')
  return { ok: true, fields: [{ first_name: first, last_name: last, full_name: full }] }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/

/** Attio validates e-mail addresses strictly and answers their normal form, domain parts and
 * local part (https://docs.attio.com/docs/attribute-types/attribute-types-email-address). That
 * the normal form is trimmed and lower-cased is assumed. */
function emailAddress(def: AttributeDef, value: unknown): Written {
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) return fail(`Attribute "${def.slug}": "${String(value)}" is not a valid email address.`)
  const normal = value.trim().toLowerCase()
  const [local, host] = normal.split('@') as [string, string]
  return {
    ok: true,
    fields: [{ original_email_address: value, email_address: normal, email_domain: host, email_root_domain: rootDomain(host), email_local_specifier: local }],
  }
}

/** Public suffixes of two labels the fake knows; Attio uses the full public suffix list. */
const TWO_LABEL_SUFFIXES = new Set(['co.uk', 'org.uk', 'com.au', 'co.jp', 'com.br', 'co.nz', 'com.mx', 'co.za'])

function rootDomain(host: string): string {
  const labels = host.split('.')
  const keep = TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 3 : 2
  return labels.slice(-keep).join('.')
}

/** The domain normal form the fake answers: lower case, without scheme, port, path or trailing
 * dot (assumed; Attio says only that it answers the domain "after normalization",
 * https://docs.attio.com/docs/attribute-types/attribute-types-domain). */
function domain(def: AttributeDef, value: unknown): Written {
  if (typeof value !== 'string') return fail(`Attribute "${def.slug}" takes a domain.`)
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.$/, '')
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host)) return fail(`Attribute "${def.slug}": "${value}" is not a valid domain.`)
  return { ok: true, fields: [{ domain: host, root_domain: rootDomain(host) }] }
}

/** Country calling codes the fake can place; Attio parses every number. */
const CALLING_CODES: Record<string, string> = { US: '1', GB: '44', ES: '34', FR: '33', DE: '49' }

/** A phone number is prefixed with its country code, or a local number with `country_code`
 * (the phone number type in the `InputValue` schema). A country the fake cannot place is answered
 * as null, as the live API answers enum fields (hbmartin/attio-ts-sdk CHANGELOG, "make all enums
 * nullable to handle null values from API"). */
function phoneNumber(def: AttributeDef, item: unknown): Written {
  const original = isObject(item) ? item.original_phone_number : item
  const country = isObject(item) && typeof item.country_code === 'string' ? item.country_code : undefined
  if (typeof original !== 'string' || !/^\+?[\d\s().-]{4,}$/.test(original)) return fail(`Attribute "${def.slug}": "${String(original)}" is not a phone number.`)
  const digits = original.replace(/\D/g, '')
  let e164: string
  if (original.trim().startsWith('+')) e164 = `+${digits}`
  else if (country && CALLING_CODES[country]) e164 = `+${CALLING_CODES[country]}${digits.replace(/^0+/, '')}`
  else return fail(`Attribute "${def.slug}": "${original}" has no country code; prefix it with + or pass country_code.`)
  const placed = country ?? Object.entries(CALLING_CODES).find(([, code]) => e164.startsWith(`+${code}`))?.[0] ?? null
  return { ok: true, fields: [{ original_phone_number: original, country_code: placed, phone_number: e164 }] }
}

/** A record reference names `target_object` and either `target_record_id` or a unique attribute
 * of the target with one value; a bare string matches the target's unique e-mail or domain (the
 * companies assert example writes `team` as e-mail addresses:
 * https://docs.attio.com/rest-api/endpoint-reference/companies/assert-a-company-record). */
function recordReference(def: AttributeDef, item: unknown, resolve: ResolveReference): Written {
  if (typeof item !== 'string' && !isObject(item)) return fail(`Attribute "${def.slug}" takes a record reference.`)
  if (isObject(item) && item.target_object !== def.target) return fail(`Attribute "${def.slug}" references ${def.target} records.`)
  const found = resolve(def.target!, item)
  if (typeof found !== 'string') return fail(found.problem, true)
  return { ok: true, fields: [{ target_object: def.target, target_record_id: found }] }
}

/** A stored value as every read answers it. */
export function readValue(def: AttributeDef, value: StoredValue): Record<string, unknown> {
  return {
    active_from: attioTimestamp(value.activeFrom),
    active_until: null,
    created_by_actor: { type: value.actor.type, id: value.actor.id },
    ...value.fields,
    attribute_type: def.type,
  }
}

/** Whether two written values are the same value (a multiselect keeps one of each). */
export function sameValue(type: AttributeType, a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const key = MAIN_PROPERTY[type]
  return a[key] === b[key]
}

