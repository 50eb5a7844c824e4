import type { CompanyFields, ContactFields, Lookup } from '../../src/kit/spec.ts'

/** How one kind of record lies in its table (`migrations.ts` creates the columns named here). */
export interface RecordTable<F> {
  readonly name: string
  /** Each standard field and its column. */
  readonly columns: Readonly<Record<keyof F & string, string>>
  /** The standard fields held as numbers; the others are text. */
  readonly numbers: readonly (keyof F & string)[]
  /** Each lookup and the column holding its normalized key, in the core's order of matching. */
  readonly keys: Readonly<Partial<Record<Lookup, string>>>
  /** The lookups with a unique index, in the order a create that conflicts looks for the record
   * it conflicts with: the core's order, so it answers the record the core would have matched. */
  readonly unique: readonly Lookup[]
}

export const contactTable = (name: string): RecordTable<ContactFields> => ({
  name,
  columns: {
    externalId: 'external_id',
    email: 'email',
    firstName: 'first_name',
    lastName: 'last_name',
    phone: 'phone',
    company: 'company',
    title: 'title',
    linkedinUrl: 'linkedin_url',
    ownerId: 'owner_id',
  },
  numbers: [],
  keys: { externalId: 'external_id_key', email: 'email_key', linkedinUrl: 'linkedin_key' },
  unique: ['externalId', 'email'],
})

export const companyTable = (name: string): RecordTable<CompanyFields> => ({
  name,
  columns: {
    externalId: 'external_id',
    name: 'name',
    domain: 'domain',
    industry: 'industry',
    numberOfEmployees: 'employees',
    linkedinUrl: 'linkedin_url',
    ownerId: 'owner_id',
  },
  numbers: ['numberOfEmployees'],
  keys: { externalId: 'external_id_key', domain: 'domain_key', linkedinUrl: 'linkedin_key', name: 'name_key' },
  unique: ['externalId', 'domain'],
})
