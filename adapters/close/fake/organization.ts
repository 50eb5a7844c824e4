import type { CloseFake } from './server.ts'

/**
 * What a customer sets up in Close for Enginy, on a fake organization: custom fields for Enginy's
 * `externalId` on leads and contacts, for the company fields Close lacks (industry, headcount, LinkedIn page),
 * and for an engagement field (`campaignSequenceStatus`); a lead holding the tasks that name no
 * record; and a lead with a contact on it, as references tasks can name. Answers the
 * connection's `fieldMap` and `taskLeadId`, and the references.
 */
export function setUpOrganization(fake: CloseFake) {
  const account = fake.account
  const fieldMap = {
    contacts: { externalId: account.addCustomField('contact', 'Enginy id'), campaignSequenceStatus: account.addCustomField('contact', 'Sequence status') },
    companies: {
      externalId: account.addCustomField('lead', 'Enginy id'),
      industry: account.addCustomField('lead', 'Industry'),
      numberOfEmployees: account.addCustomField('lead', 'Employees', 'number'),
      linkedinUrl: account.addCustomField('lead', 'LinkedIn page'),
      campaignSequenceStatus: account.addCustomField('lead', 'Sequence status'),
    },
  }
  const holding = fake.seed('lead', { name: 'Enginy tasks' }).id as string
  const company = fake.seed('lead', { name: 'Reference Co', url: 'https://reference.example' }).id as string
  const contact = fake.seed('contact', { lead_id: company, name: 'Rita Reference', emails: [{ email: 'rita@reference.example' }] }).id as string
  return { fieldMap, taskLeadId: holding, refs: { ownerId: account.users[1]!.id, contactId: contact, companyId: company } }
}
