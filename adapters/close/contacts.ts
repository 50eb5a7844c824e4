import type { CallOptions, ContactFields, ContactPort, Lookup, NativeContact, RecordInput, UpstreamClient } from '../../src/kit/spec.ts'
import { BoundedMap, type GatewayError, done, failed, missing, normalize } from '../../src/kit/utils.ts'
import { type CloseContact, contactFields, fromContact, needsCurrent, toContact } from './contact-mapping.ts'
import { createdRecords } from './created-records.ts'
import type { KindPlan } from './field-plan.ts'
import { closeIds } from './ids.ts'
import { Recent } from './recent.ts'
import { Contact } from './schemas.ts'
import { recordFeed } from './record-feed.ts'
import { lookupQuery, searchAll } from './search.ts'

export const CONTACTS = '/api/v1/contact/'
export const CONTACT = '/api/v1/contact/{id}/'
/** Keys of one lookup: one search holds them all (or'ed), its request line untouched. */
export const MAX_KEYS = 100

/** One contact's calls, shared with associations and activities (which need its lead). */
export interface ContactCalls {
  get(id: string, options: CallOptions): Promise<CloseContact | null>
  put(id: string, body: Record<string, unknown>, options: CallOptions): Promise<CloseContact | null>
  /** Notes where an answer showed a contact: its lead, as of then. */
  seen(contact: CloseContact): void
  /** The lead a contact was last seen on in the last ten minutes, if it was. */
  lastLead(id: string): string | undefined
}

export function contactCalls(client: UpstreamClient, fields: readonly string[]): ContactCalls {
  const _fields = fields.join(',')
  const leads = new BoundedMap<string, string>({ max: 20_000, ttlMs: 600_000 })
  const seen = (contact: CloseContact | null) => {
    if (contact) leads.set(contact.id, contact.lead_id)
    return contact
  }
  return {
    get: async (id, options) => seen(await client.json({ method: 'GET', route: CONTACT, params: { id }, query: { _fields }, options }, Contact, 'null')),
    put: async (id, body, options) => seen(await client.json({ method: 'PUT', route: CONTACT, params: { id }, query: { _fields }, body, options }, Contact, 'null')),
    seen,
    lastLead: (id) => leads.get(id),
  }
}

/**
 * Enginy contacts as Close contacts. Close has no batch write for them: one `POST /contact/` per
 * record, the core fanning them out. A contact is made without a lead (an association gives it
 * its company): Close then makes a lead of its own for it, named after it (FACTS.md, "Contacts").
 * Close does not refuse a second contact with the same e-mail: the core's lookup before every
 * create keeps Enginy from making one, and a create whose answer was lost is found in the event
 * log (`created-records.ts`), which search's lag would hide.
 */
export function createContacts(client: UpstreamClient, plan: KindPlan<ContactFields>, calls: ContactCalls): ContactPort {
  const fields = contactFields(plan)
  const recent = new Recent<NativeContact>(plan.lookups)
  const map = (contact: CloseContact) => fromContact(contact, plan)
  const wrote = (contact: CloseContact) => {
    calls.seen(contact)
    const mapped = map(contact)
    recent.wrote(mapped)
    return mapped
  }

  /** A contact found by one of its addresses, answered with that one as its e-mail, so the core's
   * check of the match holds for a contact whose first address is another. */
  const byAddress = (contact: CloseContact, keys: readonly string[]) => {
    const mapped = map(contact)
    const matched = contact.emails?.find((entry) => keys.includes(normalize.email(entry.email) ?? ''))
    return matched ? { ...mapped, email: matched.email } : mapped
  }

  const create = async (input: RecordInput<ContactFields>, options: CallOptions) => {
    try {
      return done(wrote(await client.json({ method: 'POST', route: CONTACTS, query: { _fields: fields.join(',') }, body: toContact(input, plan), options }, Contact)))
    } catch (error) {
      return failed(error as GatewayError)
    }
  }

  const update = async (id: string, input: RecordInput<Partial<ContactFields>>, options: CallOptions) => {
    try {
      const current = needsCurrent(input) ? await calls.get(id, options) : undefined
      if (current === null) return missing
      const body = toContact(input, plan, current)
      const contact = Object.keys(body).length === 0 ? (current ?? (await calls.get(id, options))) : await calls.put(id, body, options)
      return contact ? done(wrote(contact)) : missing
    } catch (error) {
      return failed(error as GatewayError)
    }
  }

  return {
    capabilities: { maxBatchCreate: 1, maxBatchUpdate: 1, maxBatchFind: MAX_KEYS, lookups: plan.lookups, unsupportedFields: plan.unsupported, keepsExtraFields: false },
    isNativeId: closeIds('contact'),
    doCreateMany: (inputs, options) => Promise.all(inputs.map((input) => create(input, options))),
    doUpdateMany: (patches, options) => Promise.all(patches.map(({ id, fields: input }) => update(id, input, options))),
    async doFind(by: Lookup, keys, options): Promise<NativeContact[]> {
      const { records } = await searchAll(client, 'contact', lookupQuery('contact', by, keys, plan.custom), fields, Contact, options)
      for (const contact of records) calls.seen(contact)
      return recent.complete(by, keys, records.map((contact) => (by === 'email' ? byAddress(contact, keys) : map(contact))))
    },
    createdLookup: createdRecords(client, 'contact', Contact, map, plan.lookups, (record) => recent.wrote(record)),
    changes: recordFeed(client, 'contact', fields, Contact, map),
  }
}
