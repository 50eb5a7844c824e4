import { Type } from '@sinclair/typebox'
import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import { USERS } from './account.ts'
import { ActivityBody, ActivityListQuery } from './schemas.ts'
import { type FakeContext, ok, rfc3339 } from './store.ts'

/** The live API's answer to `person_id` in an activity write (the published file still allows it). */
export const PERSON_ID_READ_ONLY = "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead"

const IdsQuery = Type.String({ pattern: '^\\d+(,\\d+)*$' })

export interface FakeActivity {
  id: number
  subject: string
  type: string
  owner_id: number
  person_id: number | null
  participants: { person_id: number; primary: boolean }[]
  org_id: number | null
  deal_id: number | null
  due_date: string | null
  due_time: string | null
  note: string | null
  done: boolean
  marked_as_done_time: string | null
  add_time: string
  update_time: string
  is_deleted: boolean
}

export interface ActivityType {
  id: number
  name: string
  key_string: string
  active_flag: boolean
}

export interface Linkable {
  person(id: number): boolean
  org(id: number): boolean
}

/** API v2 activities: create, read (one, or by `ids`), update; soft deletes, as Pipedrive does. */
export class FakeActivities {
  readonly activities = new Map<number, FakeActivity>()
  readonly types: ActivityType[] = [
    { id: 1, name: 'Call', key_string: 'call', active_flag: true },
    { id: 2, name: 'Meeting', key_string: 'meeting', active_flag: true },
    { id: 3, name: 'Task', key_string: 'task', active_flag: true },
    { id: 4, name: 'Email', key_string: 'email', active_flag: true },
    { id: 5, name: 'Lunch', key_string: 'lunch', active_flag: false },
    { id: 6, name: 'LinkedIn', key_string: 'linkedin', active_flag: true },
  ]
  private nextId = 1

  constructor(
    private readonly ctx: FakeContext,
    private readonly linkable: Linkable,
  ) {}

  /** Adds `count` open call activities with ids from `start`, for benchmarks and load tests. */
  seed(count: number, start: number): string[] {
    const ids: string[] = []
    for (let id = start; id < start + count; id++) {
      this.activities.set(id, this.blank(id, { subject: `seeded ${id - start}`, type: 'call' }))
      ids.push(String(id))
    }
    this.nextId = Math.max(this.nextId, start + count)
    return ids
  }

  handle(r: SeenRequest): Step | undefined {
    const one = /^\/api\/v2\/activities\/(\d+)$/.exec(r.path)
    if (r.method === 'GET' && r.path === '/api/v1/activityTypes') return ok(this.types)
    if (r.method === 'POST' && r.path === '/api/v2/activities') return this.create(r)
    if (r.method === 'GET' && r.path === '/api/v2/activities') return this.list(r)
    if (one && r.method === 'GET') {
      const activity = this.activities.get(Number(one[1]))
      return activity ? ok(activity) : notFound()
    }
    if (one && r.method === 'PATCH') return this.update(Number(one[1]), r)
    return undefined
  }

  private blank(id: number, fields: Partial<FakeActivity>): FakeActivity {
    const now = rfc3339()
    return {
      id,
      subject: 'Call',
      type: 'call',
      owner_id: USERS[0]!.id,
      person_id: null,
      participants: [],
      org_id: null,
      deal_id: null,
      due_date: null,
      due_time: null,
      note: null,
      done: false,
      marked_as_done_time: null,
      add_time: now,
      update_time: now,
      is_deleted: false,
      ...fields,
    }
  }

  /** Referenced records must exist: the caller's data, so a 400 but not a violation. */
  private references(body: Record<string, unknown>): Step | undefined {
    if (body.owner_id !== undefined && !USERS.some((u) => u.id === body.owner_id && u.active_flag)) return this.ctx.invalid(`User ${body.owner_id} not found`, false)
    if (body.person_id !== undefined) return this.ctx.invalid(PERSON_ID_READ_ONLY)
    const participants = (body.participants ?? []) as FakeActivity['participants']
    const missing = participants.find((p) => !this.linkable.person(p.person_id))
    if (missing) return this.ctx.invalid(`Person ${missing.person_id} not found`, false)
    if (participants.filter((p) => p.primary).length > 1) return this.ctx.invalid('Only one participant can be primary')
    if (body.org_id !== undefined && !this.linkable.org(body.org_id as number)) return this.ctx.invalid(`Organization ${body.org_id} not found`, false)
    if (body.type !== undefined && !this.types.some((t) => t.active_flag && t.key_string === body.type)) {
      return this.ctx.invalid(`Activity type "${body.type}" does not exist or is not active`)
    }
    if (body.due_time !== undefined && body.due_date === undefined) return this.ctx.invalid('due_time requires due_date')
    return undefined
  }

  private create(r: SeenRequest): Step {
    const bad = this.ctx.check(ActivityBody, r.body, 'POST /activities') ?? this.references(r.body as Record<string, unknown>)
    if (bad) return bad
    const { done, participants, ...body } = r.body as Partial<FakeActivity>
    const activity = this.blank(this.nextId++, { ...body, ...linked(participants ?? []) })
    this.activities.set(activity.id, activity)
    this.applyDone(activity, done)
    return ok(activity)
  }

  private update(id: number, r: SeenRequest): Step {
    const bad = this.ctx.check(ActivityBody, r.body, 'PATCH /activities/{id}') ?? this.references(r.body as Record<string, unknown>)
    if (bad) return bad
    const activity = this.activities.get(id)
    if (!activity || activity.is_deleted) return notFound()
    const { done, participants, ...fields } = r.body as Partial<FakeActivity>
    Object.assign(activity, fields, participants && linked(participants))
    this.applyDone(activity, done)
    activity.update_time = rfc3339()
    return ok(activity)
  }

  private applyDone(activity: FakeActivity, done: boolean | undefined): void {
    if (done === undefined) return
    if (done && !activity.done) activity.marked_as_done_time = rfc3339()
    if (!done) activity.marked_as_done_time = null
    activity.done = done
  }

  private list(r: SeenRequest): Step {
    const ids = r.query.get('ids')
    if (ids === null) return this.changed(r)
    const bad = this.ctx.check(IdsQuery, ids, 'GET /activities?ids')
    if (bad) return bad
    const asked = ids.split(',').map(Number)
    if (asked.length > 100) return this.ctx.invalid(`GET /activities?ids: ${asked.length} ids, at most 100`)
    // Missing ids are left out without a word; soft-deleted ones come back marked.
    return ok(asked.flatMap((id) => (this.activities.has(id) ? [this.activities.get(id)!] : [])))
  }

  /** Without `ids`: the live activities by id, those changed at `updated_since` or later where it
   * is given, of the primary participant `person_id` where it is given, in cursor pages of
   * `limit` (at most 500). */
  private changed(r: SeenRequest): Step {
    const query = Object.fromEntries(r.query)
    const bad = this.ctx.check(ActivityListQuery, query, 'GET /activities')
    if (bad) return bad
    const since = query.updated_since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(query.updated_since)
    const person = query.person_id === undefined ? undefined : Number(query.person_id)
    const live = [...this.activities.values()]
      .filter((a) => !a.is_deleted && Date.parse(a.update_time) >= since && (person === undefined || a.person_id === person))
      .sort((a, b) => a.id - b.id)
    const limit = Number(query.limit ?? 100)
    const start = query.cursor === undefined ? 0 : Number(Buffer.from(query.cursor, 'base64url').toString())
    if (!Number.isInteger(start) || start < 0) return this.ctx.invalid(`GET /activities: cursor "${query.cursor}" was never given`)
    const next = start + limit < live.length ? Buffer.from(String(start + limit)).toString('base64url') : null
    return ok(live.slice(start, start + limit), next)
  }
}

/** Participants as Pipedrive keeps them: `person_id` is the primary participant's person. */
function linked(participants: FakeActivity['participants']): Pick<FakeActivity, 'participants' | 'person_id'> {
  const primary = participants.find((p) => p.primary) ?? participants[0]
  return { participants, person_id: primary?.person_id ?? null }
}

function notFound(): Step {
  return { status: 404, body: { success: false, error: 'Activity not found', error_info: 'Please check developers.pipedrive.com', data: null } }
}
