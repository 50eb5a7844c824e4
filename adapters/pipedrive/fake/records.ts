import { INDUSTRIES, ORGANIZATION_FIELDS, PERSON_FIELDS, USERS, customKeys } from './account.ts'
import { OrgCreate, OrgPatch, OrgSearchQuery, PersonCreate, PersonPatch, PersonSearchQuery } from './schemas.ts'
import type { FakeContext, KindSpec, Stored } from './store.ts'

type Entry = { value: string; primary: boolean; label: string }

export interface FakePerson extends Stored {
  first_name: string | null
  last_name: string | null
  owner_id: number
  org_id: number | null
  emails: Entry[]
  phones: Entry[]
  job_title: string | null
  visible_to: number
}

export interface FakeOrg extends Stored {
  owner_id: number
  website: string | null
  linkedin: string | null
  industry: number | null
  employee_count: number | null
  visible_to: number
}

const PERSON_CUSTOM = customKeys(PERSON_FIELDS)
const ORG_CUSTOM = customKeys(ORGANIZATION_FIELDS)
const activeUser = (id: unknown) => USERS.some((u) => u.id === id && u.active_flag)

/** Keys a customer's account lacks, and values of the wrong type, are the caller's data: a 400,
 * not a violation (a wrong `fieldMap` key is how a misconfigured connection looks). */
function customProblem(ctx: FakeContext, body: Record<string, unknown>, keys: Set<string>): ReturnType<FakeContext['invalid']> | undefined {
  for (const key of Object.keys((body.custom_fields ?? {}) as object)) {
    if (!keys.has(key)) return ctx.invalid(`Custom field with key '${key}' does not exist`, false)
  }
  return undefined
}

const entries = (list: unknown): Entry[] =>
  ((list ?? []) as Partial<Entry>[]).map((e, i) => ({ value: e.value!, primary: e.primary ?? i === 0, label: e.label ?? 'work' }))

const merge = (custom: Record<string, unknown>, changes: unknown) => {
  for (const [key, value] of Object.entries((changes ?? {}) as Record<string, unknown>)) {
    if (value === null) delete custom[key]
    else custom[key] = value
  }
}

/** Pipedrive derives first and last name from `name`: the first word, and the rest. */
function split(name: string): Pick<FakePerson, 'first_name' | 'last_name'> {
  const [first, ...rest] = name.trim().split(/\s+/)
  return { first_name: first || null, last_name: rest.length > 0 ? rest.join(' ') : null }
}

export function personSpec(ctx: FakeContext, orgExists: (id: number) => boolean): KindSpec<FakePerson> {
  return {
    path: 'persons',
    notFound: 'Person not found',
    create: PersonCreate,
    patch: PersonPatch,
    searchQuery: PersonSearchQuery,
    references(body) {
      if (body.owner_id !== undefined && !activeUser(body.owner_id)) return ctx.invalid(`User ${body.owner_id} not found`, false)
      if (typeof body.org_id === 'number' && !orgExists(body.org_id)) return ctx.invalid(`Organization ${body.org_id} not found`, false)
      const emails = (body.emails ?? []) as Entry[]
      if (emails.filter((e) => e.primary).length > 1) return ctx.invalid('Only one email can be primary')
      return customProblem(ctx, body, PERSON_CUSTOM.all)
    },
    build(id, body, now) {
      const custom: Record<string, unknown> = {}
      merge(custom, body.custom_fields)
      return {
        id,
        name: body.name as string,
        ...split(body.name as string),
        owner_id: (body.owner_id as number | undefined) ?? USERS[0]!.id,
        org_id: (body.org_id as number | null | undefined) ?? null,
        emails: entries(body.emails),
        phones: entries(body.phones),
        job_title: (body.job_title as string | undefined) ?? null,
        custom_fields: custom,
        visible_to: 3,
        add_time: (body.add_time as string | undefined) ?? now,
        update_time: now,
        is_deleted: false,
      }
    },
    apply(person, body) {
      const { custom_fields: custom, emails, phones, name, ...rest } = body
      Object.assign(person, rest)
      if (typeof name === 'string') Object.assign(person, { name }, split(name))
      if (emails !== undefined) person.emails = entries(emails)
      if (phones !== undefined) person.phones = entries(phones)
      merge(person.custom_fields, custom)
    },
    values(person, field) {
      if (field === 'email') return person.emails.map((e) => e.value)
      if (field === 'phone') return person.phones.map((e) => e.value)
      if (field === 'name') return [person.name]
      if (field === 'custom_fields') return searchableValues(person.custom_fields, PERSON_CUSTOM.searchable)
      return []
    },
    searchItem: (person) => ({
      id: person.id,
      type: 'person',
      name: person.name,
      phones: person.phones.map((e) => e.value),
      emails: person.emails.map((e) => e.value),
      visible_to: person.visible_to,
      owner: { id: person.owner_id },
      organization: person.org_id ? { id: person.org_id } : null,
      custom_fields: searchableValues(person.custom_fields, PERSON_CUSTOM.searchable),
      notes: [],
    }),
  }
}

export function orgSpec(ctx: FakeContext): KindSpec<FakeOrg> {
  return {
    path: 'organizations',
    notFound: 'Organization not found',
    create: OrgCreate,
    patch: OrgPatch,
    searchQuery: OrgSearchQuery,
    references(body) {
      if (body.owner_id !== undefined && !activeUser(body.owner_id)) return ctx.invalid(`User ${body.owner_id} not found`, false)
      if (body.industry !== undefined && !INDUSTRIES.some((o) => o.id === body.industry)) return ctx.invalid(`Option ${body.industry} of industry does not exist`)
      return customProblem(ctx, body, ORG_CUSTOM.all)
    },
    build(id, body, now) {
      const custom: Record<string, unknown> = {}
      merge(custom, body.custom_fields)
      const value = <V>(key: string) => (body[key] as V | undefined) ?? null
      return {
        id,
        name: body.name as string,
        owner_id: (body.owner_id as number | undefined) ?? USERS[0]!.id,
        website: value('website'),
        linkedin: value('linkedin'),
        industry: value('industry'),
        employee_count: value('employee_count'),
        custom_fields: custom,
        visible_to: 3,
        add_time: (body.add_time as string | undefined) ?? now,
        update_time: now,
        is_deleted: false,
      }
    },
    apply(org, body) {
      const { custom_fields: custom, ...rest } = body
      Object.assign(org, rest)
      merge(org.custom_fields, custom)
    },
    values(org, field) {
      if (field === 'name') return [org.name]
      if (field === 'custom_fields') return searchableValues(org.custom_fields, ORG_CUSTOM.searchable)
      return []
    },
    searchItem: (org) => ({
      id: org.id,
      type: 'organization',
      name: org.name,
      address: null,
      visible_to: org.visible_to,
      owner: { id: org.owner_id },
      custom_fields: searchableValues(org.custom_fields, ORG_CUSTOM.searchable),
      notes: [],
    }),
  }
}

function searchableValues(custom: Record<string, unknown>, searchable: Set<string>): string[] {
  return Object.entries(custom).flatMap(([key, value]) => (searchable.has(key) && value !== null && value !== undefined ? [String(value)] : []))
}
