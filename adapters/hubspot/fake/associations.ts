import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import type { Validator } from './answers.ts'
import type { ObjectStore } from './objects.ts'
import { recordRequests } from './schemas.ts'

/** HubSpot's unlabeled contact→company association type: what "default" creates. */
const CONTACT_TO_COMPANY = 279
const MAX_READ = 1000
/** The fake's cap on one default-association batch: the adapter's chunk size (`MAX_ASSOCIATION_INPUTS`). */
const MAX_ASSOCIATE = 1000
/** Companies of one contact per page of a batch read. */
const PAGE = 500

/**
 * Contacts linked to companies: HubSpot's default-association batch create and the batch read of
 * a contact's companies (v4 associations, date-versioned paths). A pair naming a record the portal
 * does not hold is left out of the answer, with an error naming the ids (a 207).
 */
export class ContactCompanyLinks {
  readonly links = new Map<string, Set<string>>()

  constructor(
    private readonly contacts: ObjectStore,
    private readonly companies: ObjectStore,
    private readonly v: Validator,
  ) {}

  companiesOf(contactId: string): string[] {
    return [...(this.links.get(contactId) ?? [])]
  }

  associateDefault(r: SeenRequest): Step {
    const operation = 'associations/contacts/companies/batch/associate/default'
    const bad = this.v.check(recordRequests.associateDefault, r.body, operation)
    if (bad) return bad
    const { inputs } = r.body as { inputs: { from: { id: string }; to: { id: string } }[] }
    if (inputs.length > MAX_ASSOCIATE) return this.v.tooMany(operation, inputs.length, MAX_ASSOCIATE)
    const results = []
    const unknown = new Set<string>()
    for (const { from, to } of inputs) {
      if (!this.contacts.has(from.id)) unknown.add(`contact ${from.id}`)
      if (!this.companies.has(to.id)) unknown.add(`company ${to.id}`)
      if (!this.contacts.has(from.id) || !this.companies.has(to.id)) continue
      this.links.set(from.id, (this.links.get(from.id) ?? new Set()).add(to.id))
      results.push({ from: { id: from.id }, to: { id: to.id }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: CONTACT_TO_COMPANY } })
    }
    const now = new Date().toISOString()
    const body = { status: 'COMPLETE', results, startedAt: now, completedAt: now }
    if (unknown.size === 0) return { status: 200, body }
    const error = { status: 'error', category: 'VALIDATION_ERROR', message: `These objects do not exist: ${[...unknown].join(', ')}`, context: {}, errors: [], links: {} }
    return { status: 207, body: { ...body, numErrors: 1, errors: [error] } }
  }

  read(r: SeenRequest): Step {
    const operation = 'associations/contacts/companies/batch/read'
    const bad = this.v.check(recordRequests.associationsRead, r.body, operation)
    if (bad) return bad
    const { inputs } = r.body as { inputs: { id: string; after?: string }[] }
    if (inputs.length > MAX_READ) return this.v.tooMany(operation, inputs.length, MAX_READ)
    const results = []
    const none = []
    for (const { id, after } of inputs) {
      const companies = this.companiesOf(id)
      if (companies.length === 0) {
        none.push(id)
        continue
      }
      const start = after === undefined ? 0 : Number(after)
      const page = companies.slice(start, start + PAGE)
      const more = start + PAGE < companies.length
      results.push({
        from: { id },
        to: page.map((toObjectId) => ({ toObjectId, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: CONTACT_TO_COMPANY, label: null }] })),
        ...(more && { paging: { next: { after: String(start + PAGE), link: null } } }),
      })
    }
    const now = new Date().toISOString()
    const body = { status: 'COMPLETE', results, startedAt: now, completedAt: now }
    if (none.length === 0) return { status: 200, body }
    const errors = none.map((id) => ({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
      message: `No company is associated with contact ${id}.`,
      context: { fromObjectId: [id] },
      errors: [],
      links: {},
    }))
    return { status: 207, body: { ...body, numErrors: errors.length, errors } }
  }
}
