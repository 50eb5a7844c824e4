import type { TSchema } from '@sinclair/typebox'
import { type Actor, type CustomValues, type StoreContext, changes, checkCustom, showCustom } from './context.ts'
import { MISSING_OBJECT, closeError } from './errors.ts'
import type { Step } from './http.ts'
import { PREFIX, newId } from './ids.ts'
import { offsetPage, project } from './pagination.ts'
import { ContactCreate, ContactUpdate, LeadCreate, LeadUpdate, splitCustom } from './schemas.ts'
import { closeTime } from './times.ts'

/**
 * Leads (Enginy's companies) and contacts, as Close's reference describes them
 * (developer.close.com/api/resources/leads, /contacts):
 * - a lead is the company; every contact belongs to exactly one lead;
 * - a contact created without `lead_id` gets a new lead of its own, "named after the contact"
 *   (contacts/create; changelog 2025-02-14: before that, `lead_id` was required). A nameless
 *   contact's lead is left unnamed here, which Close's UI shows as "Untitled": not checked live;
 * - a lead's answer carries its contacts, and only its incomplete tasks (changelog 2024-06-07);
 *   `html_url` is its page, `https://app.close.com/lead/<id>/` (the `Lead` schema's field; its form
 *   in a lead recorded in paperclicks/closeioclient's example);
 * - every PUT is a patch (developer.close.com/api/overview/fields); nested contacts cannot be
 *   changed through their lead (leads/update).
 */

/** What leads and contacts both hold: custom values, who made and changed them, when. */
interface Stamped {
  id: string
  custom: CustomValues
  created_by: string
  updated_by: string
  created: number
  updated: number
  /** When search starts to see it. */
  searchableAt: number
}

export interface Lead extends Stamped {
  name: string | null
  url: string | null
  description: string | null
  status_id: string
}

export interface Contact extends Stamped {
  lead_id: string
  name: string | null
  title: string | null
  emails: { email: string; type: string }[]
  phones: { phone: string; type: string }[]
  urls: { url: string; type: string }[]
}

/** The organization's lead statuses; the first is the default (leads/create). */
const LEAD_STATUSES = [
  { id: newId(PREFIX.leadStatus), label: 'Potential' },
  { id: newId(PREFIX.leadStatus), label: 'Qualified' },
  { id: newId(PREFIX.leadStatus), label: 'Customer' },
]

type Body = Record<string, unknown>
type Kind = 'lead' | 'contact'

export class Records {
  readonly leads = new Map<string, Lead>()
  readonly contacts = new Map<string, Contact>()

  constructor(
    private readonly ctx: StoreContext,
    /** A lead's incomplete tasks, as its answer shows them. */
    private readonly openTasksOf: (leadId: string) => unknown[],
  ) {}

  createLead(raw: unknown, actor: Actor): Step {
    const operation = 'POST /lead/'
    const { fields, custom, bad } = this.parse(raw, LeadCreate, 'lead', operation, (f) => this.statusError(f, operation))
    if (bad) return bad
    const lead = this.addLead(fields, custom, actor)
    for (const nested of (fields.contacts as Body[] | undefined) ?? []) this.addContact(lead.id, nested, {}, actor)
    return { status: 200, body: this.showLead(lead) }
  }

  updateLead(id: string, raw: unknown, actor: Actor): Step {
    const operation = 'PUT /lead/{id}/'
    const { fields, custom, bad } = this.parse(raw, LeadUpdate, 'lead', operation, (f) => this.statusError(f, operation))
    return (
      bad ??
      this.patch('lead', this.leads.get(id), actor, (lead) => {
        for (const key of ['name', 'url', 'description'] as const) if (key in fields) lead[key] = (fields[key] as string | null) ?? null
        if (fields.status_id !== undefined || fields.status !== undefined) lead.status_id = this.statusId(fields)!
        Object.assign(lead.custom, custom)
      })
    )
  }

  createContact(raw: unknown, actor: Actor): Step {
    const operation = 'POST /contact/'
    const { fields, custom, bad } = this.parse(raw, ContactCreate, 'contact', operation, (f) => this.leadError(f, operation))
    if (bad) return bad
    const leadId = typeof fields.lead_id === 'string' ? fields.lead_id : this.addLead({ name: fields.name ?? null }, {}, actor).id
    return { status: 200, body: this.showContact(this.addContact(leadId, fields, custom, actor)) }
  }

  updateContact(id: string, raw: unknown, actor: Actor): Step {
    const operation = 'PUT /contact/{id}/'
    const { fields, custom, bad } = this.parse(raw, ContactUpdate, 'contact', operation, (f) => this.leadError(f, operation))
    return (
      bad ??
      this.patch('contact', this.contacts.get(id), actor, (contact) => {
        if (typeof fields.lead_id === 'string') contact.lead_id = fields.lead_id
        for (const key of ['name', 'title'] as const) if (key in fields) contact[key] = (fields[key] as string | null) ?? null
        if (fields.emails) contact.emails = labelled(fields.emails as { email: string; type?: string }[])
        if (fields.phones) contact.phones = labelled(fields.phones as { phone: string; type?: string }[])
        if (fields.urls) contact.urls = labelled(fields.urls as { url: string; type?: string }[])
        Object.assign(contact.custom, custom)
      })
    )
  }

  get(kind: Kind, id: string, fields: string | undefined): Step {
    const record = kind === 'lead' ? this.leads.get(id) : this.contacts.get(id)
    return record ? { status: 200, body: project(this.show(kind, record), fields) } : closeError.notFound(kind)
  }

  list(kind: Kind, query: Record<string, string>): Step {
    const all: (Lead | Contact)[] = kind === 'lead' ? [...this.leads.values()] : [...this.contacts.values()].filter((c) => query.lead_id === undefined || c.lead_id === query.lead_id)
    return offsetPage(all, query, kind, this.ctx.maxSkip(), this.ctx.v, `GET /${kind}/`, (record) => project(this.show(kind, record), query._fields))
  }

  /** A lead with its contacts, as `GET /lead/{id}/` answers it. */
  showLead(lead: Lead): Record<string, unknown> {
    const contacts = [...this.contacts.values()].filter((contact) => contact.lead_id === lead.id)
    const status = LEAD_STATUSES.find((s) => s.id === lead.status_id)!
    return {
      id: lead.id,
      name: lead.name,
      display_name: lead.name ?? '',
      url: lead.url,
      description: lead.description,
      status_id: lead.status_id,
      status_label: status.label,
      html_url: `https://app.close.com/lead/${lead.id}/`,
      organization_id: this.ctx.account.organizationId,
      contacts: contacts.map((contact) => this.showContact(contact)),
      contact_ids: contacts.map((contact) => contact.id),
      tasks: this.openTasksOf(lead.id),
      opportunities: [],
      addresses: [],
      created_by: lead.created_by,
      updated_by: lead.updated_by,
      created_by_name: this.ctx.account.userName(lead.created_by),
      updated_by_name: this.ctx.account.userName(lead.updated_by),
      date_created: closeTime(lead.created),
      date_updated: closeTime(lead.updated),
      ...showCustom(lead.custom),
    }
  }

  showContact(contact: Contact): Record<string, unknown> {
    return {
      id: contact.id,
      lead_id: contact.lead_id,
      name: contact.name,
      display_name: contact.name ?? contact.emails[0]?.email ?? '',
      title: contact.title,
      emails: contact.emails.map((email) => ({ ...email, is_unsubscribed: false })),
      phones: contact.phones.map((phone) => ({ ...phone, phone_formatted: phone.phone })),
      urls: contact.urls,
      organization_id: this.ctx.account.organizationId,
      created_by: contact.created_by,
      updated_by: contact.updated_by,
      date_created: closeTime(contact.created),
      date_updated: closeTime(contact.updated),
      ...showCustom(contact.custom),
    }
  }

  private addLead(fields: Body, custom: CustomValues, actor: Actor): Lead {
    const lead: Lead = {
      id: newId(PREFIX.lead),
      name: (fields.name as string | null | undefined) ?? null,
      url: (fields.url as string | null | undefined) ?? null,
      description: (fields.description as string | null | undefined) ?? null,
      status_id: this.statusId(fields) ?? LEAD_STATUSES[0]!.id,
      custom: { ...custom },
      ...this.stamp(actor),
    }
    this.leads.set(lead.id, lead)
    return this.created('lead', lead, lead.id, actor)
  }

  private addContact(leadId: string, fields: Body, custom: CustomValues, actor: Actor): Contact {
    const contact: Contact = {
      id: newId(PREFIX.contact),
      lead_id: leadId,
      name: (fields.name as string | null | undefined) ?? null,
      title: (fields.title as string | null | undefined) ?? null,
      emails: labelled((fields.emails as { email: string; type?: string }[] | undefined) ?? []),
      phones: labelled((fields.phones as { phone: string; type?: string }[] | undefined) ?? []),
      urls: labelled((fields.urls as { url: string; type?: string }[] | undefined) ?? []),
      custom,
      ...this.stamp(actor),
    }
    this.contacts.set(contact.id, contact)
    return this.created('contact', contact, leadId, actor)
  }

  /** Who made a record and when, and when search will see it. */
  private stamp(actor: Actor): Omit<Stamped, 'id' | 'custom'> {
    const now = Date.now()
    return { created_by: actor.user.id, updated_by: actor.user.id, created: now, updated: now, searchableAt: now + this.ctx.searchLagMs() }
  }

  private created<T extends Lead | Contact>(kind: Kind, record: T, leadId: string, actor: Actor): T {
    this.ctx.events.record({ object_type: kind, object_id: record.id, lead_id: leadId, action: 'created', data: this.show(kind, record), user_id: actor.user.id, request_id: actor.requestId })
    return record
  }

  private statusId(fields: Body): string | undefined {
    if (typeof fields.status_id === 'string') return fields.status_id
    return LEAD_STATUSES.find((status) => status.label === fields.status)?.id
  }

  /** `status` or `status_id`, not both, naming a status the organization has (leads/create). */
  private statusError(fields: Body, operation: string): Step | undefined {
    if (fields.status !== undefined && fields.status_id !== undefined) return this.ctx.v.refuse(operation, { status: 'send status or status_id, not both' })
    if (fields.status === undefined && fields.status_id === undefined) return undefined
    return this.statusId(fields) && LEAD_STATUSES.some((status) => status.id === this.statusId(fields))
      ? undefined
      : this.ctx.v.refuse(operation, { status: 'is not a status of this organization' }, true)
  }

  /** A `lead_id` naming no lead: the caller's reference (Enginy's company id), so no violation. */
  private leadError(fields: Body, operation: string): Step | undefined {
    if (typeof fields.lead_id !== 'string' || this.leads.has(fields.lead_id)) return undefined
    return this.ctx.v.refuse(operation, { lead: MISSING_OBJECT }, true)
  }

  /** A body split into its fields and custom fields, each checked; `bad` is the refusal, if any. */
  private parse(raw: unknown, schema: TSchema, kind: Kind, operation: string, more: (fields: Body) => Step | undefined): { fields: Body; custom: CustomValues; bad?: Step } {
    const { fields, custom } = splitCustom((raw ?? {}) as Body)
    const bad = this.ctx.v.check(schema, fields, operation) ?? checkCustom(this.ctx, kind, custom, operation) ?? more(fields)
    return { fields, custom, ...(bad && { bad }) }
  }

  /** Applies a change to a record, records its event, and answers the record as it now is. */
  private patch<T extends Lead | Contact>(kind: Kind, record: T | undefined, actor: Actor, apply: (record: T) => void): Step {
    if (!record) return closeError.notFound(kind)
    const before = this.show(kind, record)
    apply(record)
    record.updated = Date.now()
    record.updated_by = actor.user.id
    const after = this.show(kind, record)
    const leadId = kind === 'lead' ? record.id : (record as Contact).lead_id
    this.ctx.events.record({ object_type: kind, object_id: record.id, lead_id: leadId, action: 'updated', data: after, previous: changes(before, after), user_id: actor.user.id, request_id: actor.requestId })
    return { status: 200, body: after }
  }

  private show(kind: Kind, record: Lead | Contact): Record<string, unknown> {
    return kind === 'lead' ? this.showLead(record as Lead) : this.showContact(record as Contact)
  }
}

/** Entries without a label get Close's default one, `office` (as in recorded contacts). */
function labelled<T extends { type?: string }>(entries: T[]): (T & { type: string })[] {
  return entries.map((entry) => ({ ...entry, type: entry.type ?? 'office' }))
}
