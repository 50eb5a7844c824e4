import type { Validator } from './errors.ts'
import type { Step } from './http.ts'
import { PREFIX, newId } from './ids.ts'
import { closeTime } from './times.ts'

/**
 * Close's event log (`GET /api/v1/event/`), the change feed of the mirror: one event per change of
 * an object, `{id, object_type, object_id, lead_id, action, changed_fields, data, previous_data,
 * date_created, date_updated, user_id, request_id, organization_id}`, latest first, in pages of at
 * most 50 (`_limit` is "capped at and defaulting to 50", a larger one is capped, not refused),
 * paged by `_cursor` (`cursor_next` to older events, `cursor_previous` to newer ones) and never by
 * `_skip`; filters in the published combinations only; `date_updated__*` with any of them; recent
 * events to the same object may be consolidated into one (developer.close.com/api/resources/events/
 * list, as mirrored in api-evangelist/close, openapi/close-openapi.yml). The object type names
 * (`lead`, `contact`, `task.lead`, `activity.note`, `activity.email`, `activity.task_completed`)
 * follow Close's list of event types but were not checked against a live account.
 */
interface ChangeEvent {
  id: string
  object_type: string
  object_id: string
  lead_id: string | null
  action: 'created' | 'updated' | 'deleted'
  changed_fields: string[]
  data: Record<string, unknown>
  previous_data: Record<string, unknown>
  date_created: string
  date_updated: string
  user_id: string
  request_id: string
  organization_id: string
  at: number
}

const COMBINATIONS = [
  [],
  ['object_type', 'object_id'],
  ['object_type', 'action'],
  ['object_id', 'action'],
  ['lead_id', 'object_type'],
  ['lead_id', 'object_type', 'action'],
  ['lead_id', 'user_id', 'object_type'],
  ['lead_id', 'user_id', 'object_type', 'action'],
  ['lead_id', 'user_id'],
  ['user_id', 'object_id'],
  ['user_id', 'object_id', 'action'],
  ['user_id', 'object_type'],
  ['user_id', 'object_type', 'action'],
  ['lead_id'],
  ['user_id'],
  ['request_id'],
].map((names) => [...names].sort().join(','))

const FILTERS = ['object_type', 'object_id', 'lead_id', 'action', 'user_id', 'request_id'] as const
const PAGE = 50

export class EventLog {
  /** Oldest first. */
  readonly events: ChangeEvent[] = []

  constructor(
    private readonly organizationId: string,
    /** Changes to one object closer together than this are one event (0: never consolidated). */
    private readonly consolidateMs: () => number,
  ) {}

  record(change: Pick<ChangeEvent, 'object_type' | 'object_id' | 'lead_id' | 'action' | 'data' | 'user_id' | 'request_id'> & { previous?: Record<string, unknown> }): void {
    const now = Date.now()
    const previous = change.previous ?? {}
    const changed = Object.keys(previous)
    const last = this.events.at(-1)
    if (change.action === 'updated' && last?.object_id === change.object_id && last.action === 'updated' && now - last.at < this.consolidateMs()) {
      last.changed_fields = [...new Set([...last.changed_fields, ...changed])]
      last.previous_data = { ...previous, ...last.previous_data }
      last.data = change.data
      last.date_updated = closeTime(now)
      return
    }
    const { previous: _, ...fields } = change
    this.events.push({ ...fields, id: newId(PREFIX.event), changed_fields: changed, previous_data: previous, date_created: closeTime(now), date_updated: closeTime(now), organization_id: this.organizationId, at: now })
  }

  list(query: Record<string, string>, v: Validator): Step {
    const operation = 'GET /event/'
    const used = FILTERS.filter((name) => query[name] !== undefined)
    if (!COMBINATIONS.includes([...used].sort().join(','))) {
      return v.refuseWhole(operation, `the event log does not take the filters ${used.join(', ')} together`)
    }
    const limit = Math.min(PAGE, query._limit === undefined ? PAGE : Number(query._limit))
    const after = (name: string, test: (at: number, bound: number) => boolean) => (event: ChangeEvent) =>
      query[name] === undefined || test(Date.parse(event.date_updated), Date.parse(query[name]!))
    const latestFirst = this.events
      .filter((event) => used.every((name) => event[name] === query[name]))
      .filter(after('date_updated__gt', (at, bound) => at > bound))
      .filter(after('date_updated__gte', (at, bound) => at >= bound))
      .filter(after('date_updated__lt', (at, bound) => at < bound))
      .filter(after('date_updated__lte', (at, bound) => at <= bound))
      .reverse()
    let window = latestFirst
    if (query._cursor !== undefined) {
      const [direction, id] = Buffer.from(query._cursor, 'base64url').toString().split(':')
      const index = latestFirst.findIndex((event) => event.id === id)
      if (index < 0 || (direction !== 'next' && direction !== 'previous')) return v.refuse(operation, { _cursor: 'is not a cursor of this query' })
      window = direction === 'next' ? latestFirst.slice(index + 1) : latestFirst.slice(Math.max(0, index - limit), index)
    }
    const page = window.slice(0, limit)
    const cursor = (direction: string, event: ChangeEvent | undefined) => (event ? Buffer.from(`${direction}:${event.id}`).toString('base64url') : null)
    const older = page.length > 0 && latestFirst.indexOf(page.at(-1)!) < latestFirst.length - 1
    const newer = page.length > 0 && latestFirst.indexOf(page[0]!) > 0
    return {
      status: 200,
      body: {
        data: page.map(({ at: _, ...event }) => event),
        cursor_next: older ? cursor('next', page.at(-1)) : null,
        cursor_previous: newer ? cursor('previous', page[0]) : null,
      },
    }
  }
}
