import { type TSchema, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { HttpFake, type SeenRequest, type Step } from './http-fake.ts'

/**
 * A fake Pipedrive company: API v2 activities and v1 activity types, behaving as Pipedrive's API
 * reference describes them, with a burst limit per 2-second window. Request bodies and queries are
 * checked against schemas written here from that reference; a mismatch gets Pipedrive's 400 and
 * lands in `violations`, which the tests assert to be empty.
 */

export const PIPEDRIVE_TOKEN = 'fake-pd-token-9c8b7a6d5e'

/** Every request the task operations make, as `METHOD /path`: activities and activity types. */
export const PIPEDRIVE_TASK_PATHS = /^(POST \/api\/v2\/activities|GET \/api\/v2\/activities|(GET|PATCH) \/api\/v2\/activities\/[1-9]\d*|GET \/api\/v1\/activityTypes)$/

const DATE = '^\\d{4}-\\d{2}-\\d{2}$'
const TIME = '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?$'

const Participant = Type.Object({ person_id: Type.Integer(), primary: Type.Boolean() }, { additionalProperties: false })

/**
 * v2 activity body. Ids are integers: v2 does not read "42" as 42. `person_id` is listed as
 * writable in the published v2 file, but the live API refuses it since mid-2026 (see
 * `PERSON_ID_READ_ONLY`): a person is linked as the primary participant.
 */
const ActivityBody = Type.Object(
  {
    subject: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    owner_id: Type.Optional(Type.Integer()),
    deal_id: Type.Optional(Type.Integer()),
    lead_id: Type.Optional(Type.String()),
    person_id: Type.Optional(Type.Integer()),
    org_id: Type.Optional(Type.Integer()),
    project_id: Type.Optional(Type.Integer()),
    participants: Type.Optional(Type.Array(Participant)),
    due_date: Type.Optional(Type.String({ pattern: DATE })),
    due_time: Type.Optional(Type.String({ pattern: TIME })),
    duration: Type.Optional(Type.String({ pattern: TIME })),
    busy: Type.Optional(Type.Boolean()),
    done: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
    public_description: Type.Optional(Type.String()),
    priority: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
)
const IdsQuery = Type.String({ pattern: '^\\d+(,\\d+)*$' })

/** The live API's answer to `person_id` in an activity write (the published file still allows it). */
export const PERSON_ID_READ_ONLY = "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead"

interface Activity {
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

export interface PipedriveFakeOptions {
  /** Requests allowed per burst window. */
  burst?: number
  windowMs?: number
}

export class PipedriveFake {
  readonly violations: string[] = []
  readonly activities = new Map<number, Activity>()
  readonly users = [1001, 1002]
  readonly persons = new Set([31, 32, 33])
  readonly orgs = new Set([41, 42])
  readonly types = [
    { id: 1, name: 'Call', key_string: 'call', active_flag: true },
    { id: 2, name: 'Meeting', key_string: 'meeting', active_flag: true },
    { id: 3, name: 'Task', key_string: 'task', active_flag: true },
    { id: 4, name: 'Email', key_string: 'email', active_flag: true },
    { id: 5, name: 'Lunch', key_string: 'lunch', active_flag: false },
  ]
  private nextId = 1

  private constructor(
    readonly http: HttpFake,
    private readonly options: Required<PipedriveFakeOptions>,
  ) {}

  static async start(options: PipedriveFakeOptions = {}): Promise<PipedriveFake> {
    const resolved = { burst: 1_000_000, windowMs: 2000, ...options }
    let fake: PipedriveFake | undefined
    const http = await HttpFake.start((request) => fake!.handle(request))
    fake = new PipedriveFake(http, resolved)
    http.rateLimit = {
      requests: resolved.burst,
      windowMs: resolved.windowMs,
      onLimited: () => ({
        status: 429,
        headers: fake!.limitHeaders(),
        body: { success: false, error: 'Request over limit', errorCode: 429 },
      }),
    }
    return fake
  }

  get url(): string {
    return this.http.url
  }

  close(): Promise<void> {
    return this.http.close()
  }

  /** Adds `count` open call activities with ids from `start`, for benchmarks and load tests. */
  seed(count: number, start: number): string[] {
    const now = rfc3339()
    const ids: string[] = []
    for (let id = start; id < start + count; id++) {
      this.activities.set(id, {
        id,
        subject: `seeded ${id - start}`,
        type: 'call',
        owner_id: this.users[0]!,
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
      })
      ids.push(String(id))
    }
    this.nextId = Math.max(this.nextId, start + count)
    return ids
  }

  /** Soft-deletes, as Pipedrive does: the activity stays, marked `is_deleted`. */
  delete(id: number): void {
    const activity = this.activities.get(id)
    if (activity) activity.is_deleted = true
  }

  private handle(request: SeenRequest): Step {
    const authorized =
      request.headers['x-api-token'] === PIPEDRIVE_TOKEN || request.headers.authorization === `Bearer ${PIPEDRIVE_TOKEN}`
    if (!authorized) return { status: 401, body: { success: false, error: 'unauthorized access', errorCode: 401, error_info: 'Please check the API token' } }
    const step = this.route(request)
    return { ...step, headers: { ...this.limitHeaders(), ...step.headers } }
  }

  private route(r: SeenRequest): Step {
    const one = /^\/api\/v2\/activities\/(\d+)$/.exec(r.path)
    if (r.method === 'GET' && r.path === '/api/v1/activityTypes') return ok(this.types)
    if (r.method === 'POST' && r.path === '/api/v2/activities') return this.create(r)
    if (r.method === 'GET' && r.path === '/api/v2/activities') return this.list(r)
    if (one && r.method === 'GET') {
      const activity = this.activities.get(Number(one[1]))
      return activity ? ok(activity) : notFound()
    }
    if (one && r.method === 'PATCH') return this.update(Number(one[1]), r)
    return { status: 404, body: { success: false, error: 'Unknown method .', errorCode: 404 } }
  }

  private check(schema: TSchema, value: unknown, operation: string): Step | undefined {
    const first = Value.Errors(schema, value).First()
    if (!first) return undefined
    return this.invalid(`${operation}: ${first.path || '/'} ${first.message}`)
  }

  private invalid(problem: string, violation = true): Step {
    if (violation) this.violations.push(problem)
    return { status: 400, body: { success: false, error: problem, error_info: 'Please check developers.pipedrive.com', code: 'ERR_SCHEMA_VALIDATION_FAILED' } }
  }

  /** Referenced records must exist: the caller's data, so a 400 but not a violation. */
  private references(body: Record<string, unknown>): Step | undefined {
    if (body.owner_id !== undefined && !this.users.includes(body.owner_id as number)) return this.invalid(`User ${body.owner_id} not found`, false)
    if (body.person_id !== undefined) return this.invalid(PERSON_ID_READ_ONLY)
    const participants = (body.participants ?? []) as Activity['participants']
    const missing = participants.find((p) => !this.persons.has(p.person_id))
    if (missing) return this.invalid(`Person ${missing.person_id} not found`, false)
    if (participants.filter((p) => p.primary).length > 1) return this.invalid('Only one participant can be primary')
    if (body.org_id !== undefined && !this.orgs.has(body.org_id as number)) return this.invalid(`Organization ${body.org_id} not found`, false)
    if (body.type !== undefined && !this.types.some((t) => t.active_flag && t.key_string === body.type)) {
      return this.invalid(`Activity type "${body.type}" does not exist or is not active`)
    }
    if (body.due_time !== undefined && body.due_date === undefined) return this.invalid('due_time requires due_date')
    return undefined
  }

  private create(r: SeenRequest): Step {
    const bad = this.check(ActivityBody, r.body, 'POST /activities') ?? this.references(r.body as Record<string, unknown>)
    if (bad) return bad
    const body = r.body as Partial<Activity>
    const now = rfc3339()
    const activity: Activity = {
      id: this.nextId++,
      subject: body.subject ?? 'Call',
      type: body.type ?? 'call',
      owner_id: body.owner_id ?? this.users[0]!,
      ...linked(body.participants ?? []),
      org_id: body.org_id ?? null,
      deal_id: body.deal_id ?? null,
      due_date: body.due_date ?? null,
      due_time: body.due_time ?? null,
      note: body.note ?? null,
      done: false,
      marked_as_done_time: null,
      add_time: now,
      update_time: now,
      is_deleted: false,
    }
    this.activities.set(activity.id, activity)
    this.applyDone(activity, body.done)
    return ok(activity)
  }

  private update(id: number, r: SeenRequest): Step {
    const bad = this.check(ActivityBody, r.body, 'PATCH /activities/{id}') ?? this.references(r.body as Record<string, unknown>)
    if (bad) return bad
    const activity = this.activities.get(id)
    if (!activity || activity.is_deleted) return notFound()
    const { done, participants, ...fields } = r.body as Partial<Activity>
    Object.assign(activity, fields, participants && linked(participants))
    this.applyDone(activity, done)
    activity.update_time = rfc3339()
    return ok(activity)
  }

  private applyDone(activity: Activity, done: boolean | undefined): void {
    if (done === undefined) return
    if (done && !activity.done) activity.marked_as_done_time = rfc3339()
    if (!done) activity.marked_as_done_time = null
    activity.done = done
  }

  private list(r: SeenRequest): Step {
    const ids = r.query.get('ids')
    if (ids === null) return ok([...this.activities.values()].filter((a) => !a.is_deleted).slice(0, Number(r.query.get('limit') ?? 100)))
    const bad = this.check(IdsQuery, ids, 'GET /activities?ids')
    if (bad) return bad
    const asked = ids.split(',').map(Number)
    if (asked.length > 100) return this.invalid(`GET /activities?ids: ${asked.length} ids, at most 100`)
    // Missing ids are left out without a word; soft-deleted ones come back marked.
    return ok(asked.flatMap((id) => (this.activities.has(id) ? [this.activities.get(id)!] : [])))
  }

  limitHeaders(): Record<string, string> {
    const now = Date.now()
    const recent = this.http.requests.filter((r) => r.at > now - this.options.windowMs)
    const oldest = recent[0]?.at ?? now
    return {
      'x-ratelimit-limit': String(this.options.burst),
      'x-ratelimit-remaining': String(Math.max(0, this.options.burst - recent.length)),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil((oldest + this.options.windowMs - now) / 1000))),
    }
  }
}

/** Participants as Pipedrive keeps them: `person_id` is the primary participant's person. */
function linked(participants: Activity['participants']): Pick<Activity, 'participants' | 'person_id'> {
  const primary = participants.find((p) => p.primary) ?? participants[0]
  return { participants, person_id: primary?.person_id ?? null }
}

function ok(data: unknown): Step {
  return { status: 200, body: { success: true, data, additional_data: { next_cursor: null } } }
}

function notFound(): Step {
  return { status: 404, body: { success: false, error: 'Activity not found', error_info: 'Please check developers.pipedrive.com', data: null } }
}

function rfc3339(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}
