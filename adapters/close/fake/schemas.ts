import { type TSchema, Type } from '@sinclair/typebox'

/**
 * The request bodies the fake Close takes, written here from Close's API reference
 * (developer.close.com/api/resources/..., whose OpenAPI types request bodies as "any": the fields
 * come from each page's text and from the published `Create…`/`Update…` component schemas, as
 * mirrored in api-evangelist/close, openapi/close-openapi.yml). Fields are closed: a documented
 * field the gateway has no use for (addresses, opportunities, attachments…) is refused like an
 * unknown one, so a stray field fails a test. Custom fields (`custom.cf_…`) are split off and
 * checked against the organization's definitions (`account.ts`). A reference (`lead_id`…) is
 * checked for existence by the store, which answers Close's own field error.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const closed = { additionalProperties: false }

/** `emails`, `phones`, `urls` of a contact: the value and an optional label such as `office`. */
const Email = Type.Object({ email: Type.String(), type: Type.Optional(Type.String()) }, closed)
const Phone = Type.Object({ phone: Type.String(), type: Type.Optional(Type.String()) }, closed)
const Url = Type.Object({ url: Type.String(), type: Type.Optional(Type.String()) }, closed)

const contactFields = {
  name: Type.Optional(Nullable(Type.String())),
  title: Type.Optional(Nullable(Type.String())),
  emails: Type.Optional(Type.Array(Email)),
  phones: Type.Optional(Type.Array(Phone)),
  urls: Type.Optional(Type.Array(Url)),
}

/** A contact nested in a new lead (developer.close.com/api/resources/leads/create); the fake takes no custom fields there. */
const NestedContact = Type.Object(contactFields, closed)

/**
 * A lead: every field optional, Close makes an unnamed lead ("Untitled" in its UI) of an empty body.
 * `status` and `status_id` exclude each other (leads/create), checked by the store.
 */
const leadFields = {
  name: Type.Optional(Nullable(Type.String())),
  url: Type.Optional(Nullable(Type.String())),
  description: Type.Optional(Nullable(Type.String())),
  status_id: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
}
export const LeadCreate = Type.Object({ ...leadFields, contacts: Type.Optional(Type.Array(NestedContact)) }, closed)
/** Nested contacts cannot be changed through a lead (developer.close.com/api/resources/leads/update). */
export const LeadUpdate = Type.Object(leadFields, closed)

/** `lead_id` may be left out: Close then makes a lead for the contact (contacts/create, changelog 2025-02-14). */
export const ContactCreate = Type.Object({ ...contactFields, lead_id: Type.Optional(Nullable(Type.String())) }, closed)
/** Every PUT is a patch (developer.close.com/api/overview/fields); `lead_id` moves the contact (not confirmed live). */
export const ContactUpdate = Type.Object({ ...contactFields, lead_id: Type.Optional(Type.String()) }, closed)

/**
 * A task. Only `lead` and `outgoing_call` tasks can be created (tasks/create); the fake serves
 * `lead`, the kind the gateway uses. `lead_id` is checked by the store, to answer Close's error.
 */
export const TaskCreate = Type.Object(
  {
    _type: Type.Optional(Type.Literal('lead')),
    lead_id: Type.Optional(Type.String()),
    contact_id: Type.Optional(Nullable(Type.String())),
    text: Type.String(),
    date: Type.Optional(Type.String()),
    assigned_to: Type.Optional(Type.String()),
    is_complete: Type.Optional(Type.Boolean()),
  },
  closed,
)

/** "The `assigned_to`, `date` and `is_complete` fields may be updated on all tasks", `text` on lead tasks (tasks/update). */
export const TaskUpdate = Type.Object(
  {
    assigned_to: Type.Optional(Type.String()),
    date: Type.Optional(Type.String()),
    is_complete: Type.Optional(Type.Boolean()),
    text: Type.Optional(Type.String()),
  },
  closed,
)

/** "Only the `assigned_to`, `date` and `is_complete` fields may be updated" in bulk (tasks/bulk-update). */
export const TaskBulkUpdate = Type.Object(
  { assigned_to: Type.Optional(Type.String()), date: Type.Optional(Type.String()), is_complete: Type.Optional(Type.Boolean()) },
  closed,
)

/** A note: `CreateNoteActivity` (the lead required; plain `note` or rich `note_html`). */
export const NoteCreate = Type.Object(
  {
    lead_id: Type.Optional(Type.String()),
    contact_id: Type.Optional(Nullable(Type.String())),
    note: Type.Optional(Nullable(Type.String())),
    note_html: Type.Optional(Nullable(Type.String())),
    title: Type.Optional(Nullable(Type.String())),
    pinned: Type.Optional(Nullable(Type.Boolean())),
    user_id: Type.Optional(Nullable(Type.String())),
    activity_at: Type.Optional(Nullable(Type.String())),
  },
  closed,
)

/** `MessageStatus`: inbox, draft, scheduled, outbox, sent, error (activities/emails/create). */
const EMAIL_STATUSES = ['inbox', 'draft', 'scheduled', 'outbox', 'sent', 'error'] as const

/**
 * An e-mail activity: `CreateEmailActivity` (`lead_id` and `status` required). `direction` is not in
 * the published schema, but Close took it in a recorded create (nested-tech/closex,
 * test/fixtures/vcr_cassettes/create_email_activity.json).
 */
export const EmailCreate = Type.Object(
  {
    lead_id: Type.Optional(Type.String()),
    status: Type.Union(EMAIL_STATUSES.map((status) => Type.Literal(status))),
    contact_id: Type.Optional(Nullable(Type.String())),
    direction: Type.Optional(Type.Union([Type.Literal('incoming'), Type.Literal('outgoing')])),
    subject: Type.Optional(Nullable(Type.String())),
    body_text: Type.Optional(Nullable(Type.String())),
    body_html: Type.Optional(Nullable(Type.String())),
    sender: Type.Optional(Nullable(Type.String())),
    to: Type.Optional(Nullable(Type.Array(Type.String()))),
    cc: Type.Optional(Nullable(Type.Array(Type.String()))),
    bcc: Type.Optional(Nullable(Type.Array(Type.String()))),
    date_scheduled: Type.Optional(Nullable(Type.String())),
    send_in: Type.Optional(Nullable(Type.Integer({ minimum: 0, exclusiveMaximum: 60 }))),
    followup_date: Type.Optional(Nullable(Type.String())),
    template_id: Type.Optional(Nullable(Type.String())),
    user_id: Type.Optional(Nullable(Type.String())),
    activity_at: Type.Optional(Nullable(Type.String())),
  },
  closed,
)

/** Keys Close reads as custom fields: `custom.` and a custom field id (leads/create). */
const CUSTOM_KEY = /^custom\.(cf_[A-Za-z0-9]{43})$/

/** Splits a body into its custom fields (by field id) and the rest. */
export function splitCustom(body: Record<string, unknown>): { fields: Record<string, unknown>; custom: Record<string, unknown> } {
  const fields: Record<string, unknown> = {}
  const custom: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    const match = CUSTOM_KEY.exec(key)
    if (match) custom[match[1]!] = value
    else fields[key] = value
  }
  return { fields, custom }
}
