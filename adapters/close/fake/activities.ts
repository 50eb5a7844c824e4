import type { Actor, StoreContext } from './context.ts'
import { MISSING_OBJECT, REQUIRED, closeError } from './errors.ts'
import type { Step } from './http.ts'
import { PREFIX, newId } from './ids.ts'
import { offsetPage, project } from './pagination.ts'
import type { Records } from './records.ts'
import { EmailCreate, NoteCreate } from './schemas.ts'
import type { Task } from './tasks.ts'
import { closeTime, isMoment } from './times.ts'

/**
 * Activities on a lead (developer.close.com/api/resources/activities): notes, e-mails, and the
 * TaskCompleted activity Close makes when a task is completed. Each has the fields of
 * `ActivityBase` (api-evangelist/close, openapi/close-openapi.yml) and its own:
 * - a note has `note` and `note_html`, either written from the other (`"test"` reads back as
 *   `<body><p>test</p></body>` in airbytehq/airbyte's source-close-com expected_records.jsonl);
 * - an e-mail's `status` decides what Close does with it (activities/emails/create): `inbox` logs a
 *   received message, `draft` makes a draft, `sent` logs a sent one, while `outbox` SENDS it (after
 *   `send_in` seconds) and `scheduled` sends it at `date_scheduled`. The fake takes both, as Close
 *   does, keeps them in `sending`, and records a violation: the gateway must never make Close send.
 *   `followup_date` makes Close create a follow-up task: also a violation. `sender` is required
 *   for inbox, scheduled, outbox and error;
 * - a TaskCompleted activity has `task_id`, `task_text`, `task_assigned_to` (the fields of
 *   airbytehq/airbyte's schemas/task_completed_activities.json); its `date_created` is when.
 * Lists are newest first (Close's activity feed order; not checked for the API).
 */
export type ActivityType = 'Note' | 'Email' | 'TaskCompleted'

export interface Activity {
  id: string
  type: ActivityType
  lead_id: string
  contact_id: string | null
  user_id: string
  fields: Record<string, unknown>
  created: number
}

const PATHS: Record<ActivityType, string> = { Note: 'note', Email: 'email', TaskCompleted: 'task_completed' }
const SENDING = new Set(['outbox', 'scheduled'])
const NEEDS_SENDER = new Set(['inbox', 'scheduled', 'outbox', 'error'])

type Body = Record<string, unknown>

export class Activities {
  readonly activities = new Map<string, Activity>()
  /** E-mails Close would send: status `outbox` or `scheduled`. */
  readonly sending: string[] = []

  constructor(
    private readonly ctx: StoreContext,
    private readonly records: Records,
  ) {}

  createNote(raw: unknown, actor: Actor): Step {
    const operation = 'POST /activity/note/'
    const body = (raw ?? {}) as Body
    const bad = this.ctx.v.check(NoteCreate, body, operation) ?? this.referenceError(body, operation)
    if (bad) return bad
    const text = (body.note as string | null | undefined) ?? stripHtml((body.note_html as string | null | undefined) ?? '')
    const html = (body.note_html as string | null | undefined) ?? `<body><p>${escapeHtml(text)}</p></body>`
    const note = this.add('Note', body, actor, { note: text, note_html: html, title: body.title ?? null, pinned: body.pinned ?? false })
    return { status: 200, body: this.show(note) }
  }

  createEmail(raw: unknown, actor: Actor): Step {
    const operation = 'POST /activity/email/'
    const body = (raw ?? {}) as Body
    const bad = this.ctx.v.check(EmailCreate, body, operation) ?? this.referenceError(body, operation) ?? this.emailError(body, operation)
    if (bad) return bad
    const status = body.status as string
    const fields = {
      status,
      direction: body.direction ?? (status === 'inbox' ? 'incoming' : 'outgoing'),
      subject: body.subject ?? null,
      body_text: body.body_text ?? null,
      body_html: body.body_html ?? null,
      sender: body.sender ?? null,
      to: body.to ?? [],
      cc: body.cc ?? [],
      bcc: body.bcc ?? [],
      date_scheduled: body.date_scheduled ?? null,
      followup_date: body.followup_date ?? null,
      template_id: body.template_id ?? null,
      attachments: [],
      opens: [],
      send_attempts: [],
    }
    const email = this.add('Email', body, actor, fields)
    if (SENDING.has(status)) {
      this.sending.push(email.id)
      this.ctx.v.flag(operation, `status ${status} makes Close send the e-mail`)
    }
    if (body.followup_date != null) this.ctx.v.flag(operation, 'followup_date makes Close create a follow-up task')
    return { status: 200, body: this.show(email) }
  }

  /** The TaskCompleted activity of a task completed now; answers its id. */
  recordCompletion(task: Task, actor: Actor): string {
    const fields = { task_id: task.id, task_text: task.text, task_assigned_to: task.assigned_to, task_assigned_to_name: this.ctx.account.userName(task.assigned_to) }
    return this.add('TaskCompleted', { lead_id: task.lead_id, contact_id: task.contact_id }, actor, fields).id
  }

  get(type: ActivityType, id: string, fields: string | undefined): Step {
    const activity = this.activities.get(id)
    return activity?.type === type ? { status: 200, body: project(this.show(activity), fields) } : closeError.notFound(`${PATHS[type]} activity`)
  }

  list(type: ActivityType, query: Record<string, string>): Step {
    const ids = query.id__in?.split(',')
    const after = (name: string, at: (activity: Activity) => number) => (activity: Activity) => {
      const bound = (op: string) => query[`${name}__${op}`]
      const ms = (op: string) => Date.parse(bound(op)!)
      const t = at(activity)
      return (bound('gt') === undefined || t > ms('gt')) && (bound('gte') === undefined || t >= ms('gte')) && (bound('lt') === undefined || t < ms('lt')) && (bound('lte') === undefined || t <= ms('lte'))
    }
    const found = [...this.activities.values()]
      .filter((activity) => activity.type === type)
      .filter((activity) => ids === undefined || ids.includes(activity.id))
      .filter((activity) => query.lead_id === undefined || activity.lead_id === query.lead_id)
      .filter((activity) => query.contact_id === undefined || activity.contact_id === query.contact_id)
      .filter((activity) => query.user_id === undefined || activity.user_id === query.user_id)
      .filter(after('date_created', (activity) => activity.created))
      .filter(after('activity_at', (activity) => Date.parse(String(activity.fields.activity_at))))
      .reverse()
    return offsetPage(found, query, 'activity', this.ctx.maxSkip(), this.ctx.v, `GET /activity/${PATHS[type]}/`, (activity) => project(this.show(activity), query._fields))
  }

  show(activity: Activity): Record<string, unknown> {
    const account = this.ctx.account
    return {
      _type: activity.type,
      id: activity.id,
      lead_id: activity.lead_id,
      contact_id: activity.contact_id,
      user_id: activity.user_id,
      user_name: account.userName(activity.user_id),
      users: [],
      organization_id: account.organizationId,
      created_by: activity.user_id,
      created_by_name: account.userName(activity.user_id),
      updated_by: activity.user_id,
      updated_by_name: account.userName(activity.user_id),
      date_created: closeTime(activity.created),
      date_updated: closeTime(activity.created),
      ...activity.fields,
    }
  }

  private add(type: ActivityType, body: Body, actor: Actor, fields: Record<string, unknown>): Activity {
    const now = Date.now()
    const activityAt = typeof body.activity_at === 'string' ? closeTime(Date.parse(body.activity_at)) : closeTime(now)
    const activity: Activity = {
      id: newId(PREFIX.activity),
      type,
      lead_id: body.lead_id as string,
      contact_id: (body.contact_id as string | null | undefined) ?? null,
      user_id: (body.user_id as string | null | undefined) ?? actor.user.id,
      fields: { ...fields, activity_at: activityAt },
      created: now,
    }
    this.activities.set(activity.id, activity)
    this.ctx.events.record({ object_type: `activity.${PATHS[type]}`, object_id: activity.id, lead_id: activity.lead_id, action: 'created', data: this.show(activity), user_id: actor.user.id, request_id: actor.requestId })
    return activity
  }

  /** A note or e-mail needs a lead (`CreateNoteActivity`, `CreateEmailActivity`); a contact named must be on it. */
  private referenceError(body: Body, operation: string): Step | undefined {
    const v = this.ctx.v
    if (body.lead_id === undefined) return v.refuse(operation, { lead: REQUIRED })
    if (!this.records.leads.has(body.lead_id as string)) return v.refuse(operation, { lead: MISSING_OBJECT }, true)
    if (typeof body.contact_id === 'string' && this.records.contacts.get(body.contact_id)?.lead_id !== body.lead_id) {
      return v.refuse(operation, { contact: MISSING_OBJECT }, true)
    }
    if (typeof body.user_id === 'string' && !this.ctx.account.user(body.user_id)) return v.refuse(operation, { user: MISSING_OBJECT }, true)
    if (typeof body.activity_at === 'string' && !isMoment(body.activity_at)) return v.refuse(operation, { activity_at: 'is not a date-time' })
    return undefined
  }

  private emailError(body: Body, operation: string): Step | undefined {
    const status = body.status as string
    if (NEEDS_SENDER.has(status) && (typeof body.sender !== 'string' || body.sender === '')) return this.ctx.v.refuse(operation, { sender: REQUIRED })
    if (status === 'scheduled' && typeof body.date_scheduled !== 'string') return this.ctx.v.refuse(operation, { date_scheduled: REQUIRED })
    return undefined
  }
}

function stripHtml(html: string): string {
  return html.replace(/<[^>]*>/g, '').trim()
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
