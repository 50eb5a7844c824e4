import { type Actor, type StoreContext, changes } from './context.ts'
import { MISSING_OBJECT, REQUIRED, closeError } from './errors.ts'
import type { Step } from './http.ts'
import { PREFIX, newId } from './ids.ts'
import { offsetPage, project } from './pagination.ts'
import type { Records } from './records.ts'
import { TaskBulkUpdate, TaskCreate, TaskUpdate } from './schemas.ts'
import { closeDate, closeTime, isDateOrMoment, normalizeDate, toMs } from './times.ts'

/**
 * Lead tasks (developer.close.com/api/resources/tasks), with what recorded answers show beyond the
 * reference (nested-tech/closex, test/fixtures/vcr_cassettes/create_task*.json):
 * - a task created without `date` is `is_dateless`, dated the day it was made;
 * - a task has no completion time: completing it makes a TaskCompleted activity, and the task
 *   points at it (`object_type: "taskcompleted"`, `object_id: "acti_…"`); the activity's
 *   `date_created` is when it was completed (`activities.ts`). `date_updated` moves with any edit;
 * - `view` is `inbox` (open, due by the end of today), `future` (open, due later) or `archive`
 *   (complete), the task views of tasks/list;
 * - a PUT changes `assigned_to`, `date`, `is_complete` and, on lead tasks, `text` (tasks/update):
 *   a task cannot move to another lead or contact;
 * - `PUT /task/?id__in=…` completes, reopens, dates or assigns many tasks at once, "any of the
 *   filters of the GET endpoint" choosing them (tasks/bulk-update); without one, every task.
 * Reopening a task unlinks its TaskCompleted activity here and keeps the activity: what Close does
 * was not checked against a live account. Missing ids in `id__in` are left out silently.
 */
export interface Task {
  id: string
  lead_id: string
  contact_id: string | null
  assigned_to: string
  text: string
  date: string
  is_dateless: boolean
  is_complete: boolean
  object_id: string | null
  created_by: string
  updated_by: string
  created: number
  updated: number
}

type Body = Record<string, unknown>

export class Tasks {
  readonly tasks = new Map<string, Task>()

  constructor(
    private readonly ctx: StoreContext,
    private readonly records: Records,
    /** Makes the TaskCompleted activity of a task just completed, and answers its id. */
    private readonly recordCompletion: (task: Task, actor: Actor) => string,
  ) {}

  create(raw: unknown, actor: Actor): Step {
    const operation = 'POST /task/'
    const body = (raw ?? {}) as Body
    const bad = this.ctx.v.check(TaskCreate, body, operation) ?? this.referenceError(body, operation)
    if (bad) return bad
    const now = Date.now()
    const task: Task = {
      id: newId(PREFIX.task),
      lead_id: body.lead_id as string,
      contact_id: (body.contact_id as string | null | undefined) ?? null,
      assigned_to: (body.assigned_to as string | undefined) ?? actor.user.id,
      text: body.text as string,
      date: body.date === undefined ? closeDate(now) : normalizeDate(body.date as string),
      is_dateless: body.date === undefined,
      is_complete: false,
      object_id: null,
      created_by: actor.user.id,
      updated_by: actor.user.id,
      created: now,
      updated: now,
    }
    this.tasks.set(task.id, task)
    if (body.is_complete === true) this.complete(task, actor)
    this.record(task, 'created', actor)
    return { status: 200, body: this.show(task) }
  }

  update(id: string, raw: unknown, actor: Actor): Step {
    const operation = 'PUT /task/{id}/'
    const body = (raw ?? {}) as Body
    const bad = this.ctx.v.check(TaskUpdate, body, operation) ?? this.referenceError(body, operation)
    if (bad) return bad
    const task = this.tasks.get(id)
    if (!task) return closeError.notFound('task')
    this.apply(task, body, actor)
    return { status: 200, body: this.show(task) }
  }

  bulkUpdate(query: Record<string, string>, raw: unknown, actor: Actor): Step {
    const operation = 'PUT /task/'
    const body = (raw ?? {}) as Body
    const bad = this.ctx.v.check(TaskBulkUpdate, body, operation) ?? this.referenceError(body, operation)
    if (bad) return bad
    if (query.id === undefined && query.id__in === undefined) this.ctx.v.flag(operation, 'a bulk update without id or id__in changes every task the other filters match')
    for (const task of this.matching(query)) this.apply(task, body, actor)
    return { status: 200, body: {} }
  }

  get(id: string, fields: string | undefined): Step {
    const task = this.tasks.get(id)
    return task ? { status: 200, body: project(this.show(task), fields) } : closeError.notFound('task')
  }

  list(query: Record<string, string>): Step {
    return offsetPage(this.matching(query), query, 'task', this.ctx.maxSkip(), this.ctx.v, 'GET /task/', (task) => project(this.show(task), query._fields))
  }

  openOf(leadId: string): unknown[] {
    return [...this.tasks.values()].filter((task) => task.lead_id === leadId && !task.is_complete).map((task) => this.show(task))
  }

  show(task: Task): Record<string, unknown> {
    const lead = this.records.leads.get(task.lead_id)
    const contact = task.contact_id === null ? undefined : this.records.contacts.get(task.contact_id)
    const account = this.ctx.account
    return {
      id: task.id,
      _type: 'lead',
      lead_id: task.lead_id,
      lead_name: lead?.name ?? null,
      contact_id: task.contact_id,
      contact_name: contact?.name ?? null,
      assigned_to: task.assigned_to,
      assigned_to_name: account.userName(task.assigned_to),
      text: task.text,
      date: task.date,
      due_date: task.is_dateless ? null : task.date,
      is_dateless: task.is_dateless,
      is_complete: task.is_complete,
      view: view(task),
      object_type: task.object_id === null ? null : 'taskcompleted',
      object_id: task.object_id,
      organization_id: account.organizationId,
      created_by: task.created_by,
      created_by_name: account.userName(task.created_by),
      updated_by: task.updated_by,
      updated_by_name: account.userName(task.updated_by),
      date_created: closeTime(task.created),
      date_updated: closeTime(task.updated),
    }
  }

  private apply(task: Task, body: Body, actor: Actor): void {
    const before = this.show(task)
    if (typeof body.text === 'string') task.text = body.text
    if (typeof body.assigned_to === 'string') task.assigned_to = body.assigned_to
    if (typeof body.date === 'string') {
      task.date = normalizeDate(body.date)
      task.is_dateless = false
    }
    if (body.is_complete === true && !task.is_complete) this.complete(task, actor)
    if (body.is_complete === false && task.is_complete) {
      task.is_complete = false
      task.object_id = null
    }
    task.updated = Date.now()
    task.updated_by = actor.user.id
    this.record(task, 'updated', actor, changes(before, this.show(task)))
  }

  private complete(task: Task, actor: Actor): void {
    task.is_complete = true
    task.object_id = this.recordCompletion(task, actor)
  }

  private record(task: Task, action: 'created' | 'updated', actor: Actor, previous?: Record<string, unknown>): void {
    this.ctx.events.record({ object_type: 'task.lead', object_id: task.id, lead_id: task.lead_id, action, data: this.show(task), user_id: actor.user.id, request_id: actor.requestId, ...(previous && { previous }) })
  }

  private matching(query: Record<string, string>): Task[] {
    const ids = query.id__in?.split(',')
    const range = (field: 'date' | 'created' | 'updated', name: string) => (task: Task) => {
      const at = field === 'date' ? toMs(task.date) : task[field]
      const bound = (op: string) => query[`${name}__${op}`]
      const ms = (op: string) => toMs(bound(op)!)
      return (bound('gt') === undefined || at > ms('gt')) && (bound('gte') === undefined || at >= ms('gte')) && (bound('lt') === undefined || at < ms('lt')) && (bound('lte') === undefined || at <= ms('lte'))
    }
    const found = [...this.tasks.values()]
      .filter((task) => query.id === undefined || task.id === query.id)
      .filter((task) => ids === undefined || ids.includes(task.id))
      .filter((task) => query.lead_id === undefined || task.lead_id === query.lead_id)
      .filter((task) => query.assigned_to === undefined || task.assigned_to === query.assigned_to)
      .filter((task) => query.is_complete === undefined || String(task.is_complete) === query.is_complete)
      .filter(() => query._type === undefined || query._type === 'lead')
      .filter((task) => query.view === undefined || view(task) === query.view)
      .filter(range('date', 'date'))
      .filter(range('created', 'date_created'))
      .filter(range('updated', 'date_updated'))
    const order = query._order_by
    if (order?.endsWith('date')) found.sort((a, b) => toMs(a.date) - toMs(b.date))
    if (order?.startsWith('-')) found.reverse()
    return found
  }

  /** The lead must be named and exist; a contact and an assignee, if named, must exist. */
  private referenceError(body: Body, operation: string): Step | undefined {
    const v = this.ctx.v
    if (operation === 'POST /task/' && body.lead_id === undefined) return v.refuse(operation, { lead: REQUIRED })
    if (typeof body.lead_id === 'string' && !this.records.leads.has(body.lead_id)) return v.refuse(operation, { lead: MISSING_OBJECT }, true)
    if (typeof body.contact_id === 'string' && this.records.contacts.get(body.contact_id)?.lead_id !== body.lead_id) return v.refuse(operation, { contact: MISSING_OBJECT }, true)
    if (typeof body.assigned_to === 'string' && !this.ctx.account.user(body.assigned_to)) return v.refuse(operation, { assigned_to: MISSING_OBJECT }, true)
    if (typeof body.date === 'string' && !isDateOrMoment(body.date)) return v.refuse(operation, { date: 'is neither a date nor a date-time' })
    return undefined
  }
}

/** The task views of `GET /task/?view=`; "today" is the user's day, UTC here. */
function view(task: Task): 'inbox' | 'future' | 'archive' {
  if (task.is_complete) return 'archive'
  const endOfToday = toMs(closeDate(Date.now())) + 86_400_000
  return toMs(task.date) < endOfToday ? 'inbox' : 'future'
}
