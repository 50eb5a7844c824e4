import { type Static, Type } from '@sinclair/typebox'
import { ItemErrorFields, OptionalText } from './common.ts'
import { FREE_FORM, FREE_FORM_RULE } from './free-form.ts'

/**
 * Contacts and companies as Enginy sends them: open objects, because Enginy sends every field it
 * holds (engagement fields among them) and a field the gateway does not know must never be
 * refused. Those go to the CRM through the connection's `fieldMap`.
 */

const ExternalId = Type.String({ minLength: 1, maxLength: 256, description: "Enginy's id of the record, echoed back", examples: ['L-7'] })
const CrmId = Type.String({ minLength: 1, maxLength: 256, description: 'the id the gateway gave the record (`crmId` of an export or a sync)', examples: ['hubspot.1001'] })
const OwnerId = OptionalText(256, 'the owner, an `id` from `GET /users`', 'hubspot.111')

const contactFields = {
  email: OptionalText(320, 'e-mail address; the first key contacts are matched by (trimmed, lower-cased)', 'ana@acme.io'),
  firstName: OptionalText(256, 'first name', 'Ana'),
  lastName: OptionalText(256, 'last name', 'Ruiz'),
  phone: OptionalText(64, 'phone number', '+34 600 000 000'),
  company: OptionalText(512, "the company's name (the link to a company record is made by `POST /associations`)", 'Acme'),
  title: OptionalText(256, 'job title', 'Head of Sales'),
  linkedinUrl: OptionalText(2048, 'LinkedIn profile URL; matched without protocol, www., query or trailing slash', 'https://www.linkedin.com/in/ana-ruiz'),
  ownerId: OwnerId,
}

const Headcount = Type.Optional(
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]{1,9}$' }), Type.Null()], {
    description: 'headcount: a number, or a string of digits (numberOfEmployees and employeeCount are both read)',
    examples: [120],
  }),
)

const companyFields = {
  name: OptionalText(512, "the company's name; its third match key (trimmed, spaces collapsed, lower-cased)", 'Acme'),
  domain: OptionalText(512, 'website domain; the first match key (protocol, www., port, path and case stripped)', 'acme.com'),
  industry: OptionalText(256, 'industry', 'Software'),
  numberOfEmployees: Headcount,
  employeeCount: Headcount,
  linkedinUrl: OptionalText(2048, 'LinkedIn company page URL', 'https://www.linkedin.com/company/acme'),
  ownerId: OwnerId,
}

/** An open record: its other fields are free-form, within bounds every later answer can carry. */
const open = (description: string) => ({
  additionalProperties: true,
  'x-free-form': true,
  description: `${description}. Each other field is ${FREE_FORM_RULE}; at most ${FREE_FORM.keys} fields in all`,
})

export const ContactIn = Type.Object(
  { externalId: ExternalId, ...contactFields },
  open('A contact. Any other field (engagement fields and the like) goes to the CRM through `fieldMap.contacts`'),
)
export const CompanyIn = Type.Object(
  { externalId: ExternalId, ...companyFields },
  open('A company. Any other field goes to the CRM through `fieldMap.companies`'),
)
export const ContactChange = Type.Object(
  { crmId: CrmId, externalId: Type.Optional(ExternalId), ...contactFields },
  open('New values for a contact; a field left out (or null) stays as it is'),
)
export const CompanyChange = Type.Object(
  { crmId: CrmId, externalId: Type.Optional(ExternalId), ...companyFields },
  open('New values for a company; a field left out (or null) stays as it is'),
)

/**
 * At most 100 contacts per export, as Enginy's page says. The other batches are capped by
 * `limits.maxBatchRecords`, checked by the service (a reload may change it) and shown in the
 * document as in force (`x-limit`).
 */
export const CreateContacts = Type.Object({ contacts: Type.Array(ContactIn, { maxItems: 100, description: 'the contacts to create, at most 100' }) })
const batch = (description: string) => ({
  'x-limit': 'maxBatchRecords',
  description: `${description}, at most \`limits.maxBatchRecords\` (1,000 by default)`,
})
export const SyncContacts = Type.Object({ contacts: Type.Array(ContactIn, batch('the contacts to look for')) })
export const UpdateContacts = Type.Object({ contacts: Type.Array(ContactChange, batch('the contacts to change, by crmId')) })
export const CreateCompanies = Type.Object({ companies: Type.Array(CompanyIn, batch('the companies to create')) })
export const SyncCompanies = Type.Object({ companies: Type.Array(CompanyIn, batch('the companies to look for')) })
export const UpdateCompanies = Type.Object({ companies: Type.Array(CompanyChange, batch('the companies to change, by crmId')) })

const ExternalIdOut = Type.String({ description: 'copied from the request', examples: ['L-7'] })
const CrmIdCopy = Type.String({ description: 'copied from the request', examples: ['hubspot.1001'] })
const CrmIdOut = Type.String({ description: "the gateway's id of the record: send it back as crmId, contactId, companyId", examples: ['hubspot.1001'] })

export const CreateAnswer = Type.Object(
  {
    results: Type.Array(Type.Object({ externalId: ExternalIdOut, crmId: CrmIdOut }), {
      description: 'one per record created, or found to exist already (same externalId, e-mail or domain): never a duplicate',
    }),
    errors: Type.Array(Type.Object({ externalId: ExternalIdOut, ...ItemErrorFields }), { description: 'the records that could not be created, and why' }),
  },
  { description: 'One outcome per record: created (or found) in results, failed in errors' },
)

export const SyncAnswer = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        externalId: ExternalIdOut,
        crmId: CrmIdOut,
        properties: Type.Record(Type.String(), Type.Unknown(), {
          description: "the CRM's values of the record, by Enginy's field names, as the CRM holds them",
          examples: [{ email: 'ana@acme.io', firstName: 'Ana', lastName: 'Ruiz', campaignSequenceStatus: 'ACTIVE' }],
        }),
      }),
      { description: 'only the records the CRM holds; the others are left out, never an error' },
    ),
    errors: Type.Array(Type.Object({ externalId: ExternalIdOut, ...ItemErrorFields }), { description: 'records the CRM could not be asked about' }),
  },
  { description: 'The records the CRM holds, with their values' },
)

export const UpdateAnswer = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        crmId: CrmIdCopy,
        success: Type.Boolean({ description: 'whether this record was changed; false for an unknown crmId', examples: [true] }),
      }),
      { description: 'one per record, in request order' },
    ),
    errors: Type.Array(Type.Object({ crmId: CrmIdCopy, ...ItemErrorFields }), { description: 'why each record with success false was not changed' }),
  },
  { description: 'One outcome per record, by crmId' },
)

export type ContactIn = Static<typeof ContactIn>
export type CompanyIn = Static<typeof CompanyIn>
