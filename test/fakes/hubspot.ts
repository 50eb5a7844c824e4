import { type TSchema, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { HttpFake, type SeenRequest, type Step } from './http-fake.ts'

/**
 * A fake HubSpot portal on HubSpot's date-versioned API (`/crm/objects/2026-09/tasks`…, versions
 * 2026-03 and 2026-09): tasks, association batch reads and writes, and owners, behaving as
 * HubSpot's API reference describes them. The legacy v3/v4 paths answer 404, so nothing calls them
 * any more, unless `legacy` is set (the peer benchmark's official SDK still calls them). Each request body is checked
 * against a schema written here from that reference; a request that does not match gets HubSpot's
 * 400 and is recorded in `violations`, which the tests assert to be empty.
 */

export const HUBSPOT_TOKEN = 'pat-na1-fake-0a1b2c3d-4e5f'

/** The API versions the fake serves. */
export const HUBSPOT_VERSIONS = ['2026-03', '2026-09']

/** Every request the task operations make, as `METHOD /path`: tasks, their associations, owners. */
export const HUBSPOT_TASK_PATHS =
  /^(POST \/crm\/objects\/2026-(03|09)\/tasks(\/batch\/(read|update))?|GET \/crm\/objects\/2026-(03|09)\/tasks|(GET|PATCH) \/crm\/objects\/2026-(03|09)\/tasks\/[1-9]\d*|POST \/crm\/associations\/2026-(03|09)\/tasks\/(contacts|companies)\/batch\/read|(PUT|DELETE) \/crm\/objects\/2026-(03|09)\/tasks\/[1-9]\d*\/associations\/(contacts|companies)\/[1-9]\d*|GET \/crm\/owners\/2026-(03|09))$/

const AssociationSpec = Type.Object({
  associationCategory: Type.Union(['HUBSPOT_DEFINED', 'INTEGRATOR_DEFINED', 'USER_DEFINED', 'WORK'].map((c) => Type.Literal(c))),
  associationTypeId: Type.Integer(),
})
const PropertyValues = Type.Record(Type.String(), Type.String())

/** Request schemas, by operation. Required members as in the reference. */
const requests = {
  create: Type.Object({
    properties: PropertyValues,
    associations: Type.Array(Type.Object({ to: Type.Object({ id: Type.String() }), types: Type.Array(AssociationSpec) })),
  }),
  update: Type.Object({ properties: PropertyValues }),
  batchRead: Type.Object({
    inputs: Type.Array(Type.Object({ id: Type.String() })),
    properties: Type.Array(Type.String()),
    propertiesWithHistory: Type.Array(Type.String()),
    idProperty: Type.Optional(Type.String()),
  }),
  batchUpdate: Type.Object({
    inputs: Type.Array(Type.Object({ id: Type.String(), properties: PropertyValues, idProperty: Type.Optional(Type.String()) })),
  }),
  associationsRead: Type.Object({ inputs: Type.Array(Type.Object({ id: Type.String(), after: Type.Optional(Type.String()) })) }),
  associate: Type.Array(AssociationSpec),
} satisfies Record<string, TSchema>

const STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED']
const TYPES = ['CALL', 'EMAIL', 'TODO', 'LINKED_IN', 'LINKED_IN_CONNECT', 'LINKED_IN_MESSAGE']
const TASK_TO = { contacts: 204, companies: 192 } as const

interface Task {
  id: string
  properties: Record<string, string | null>
  createdAt: string
  updatedAt: string
  associations: { contacts: Set<string>; companies: Set<string> }
}

export interface HubSpotFakeOptions {
  /** Requests allowed per rolling window (TEN_SECONDLY_ROLLING), 100 for a Starter portal. */
  perWindow?: number
  windowMs?: number
  /** Requests allowed per day; past it every call is a DAILY 429. */
  daily?: number
  /** Also serve the legacy v3/v4 paths. */
  legacy?: boolean
}

export class HubSpotFake {
  readonly violations: string[] = []
  readonly tasks = new Map<string, Task>()
  readonly owners = [
    { id: '111', email: 'ann@example.com', userId: 9001 },
    { id: '222', email: 'bob@example.com', userId: 9002 },
  ]
  readonly contacts = new Set(['501', '502', '503'])
  readonly companies = new Set(['701', '702'])
  private nextId = 90_000_000_001
  private dailyUsed = 0

  private constructor(
    readonly http: HttpFake,
    private readonly options: Required<HubSpotFakeOptions>,
  ) {}

  static async start(options: HubSpotFakeOptions = {}): Promise<HubSpotFake> {
    const resolved = { perWindow: 1_000_000, windowMs: 10_000, daily: 1_000_000_000, legacy: false, ...options }
    let fake: HubSpotFake | undefined
    const http = await HttpFake.start((request) => fake!.handle(request))
    fake = new HubSpotFake(http, resolved)
    http.rateLimit = {
      requests: resolved.perWindow,
      windowMs: resolved.windowMs,
      onLimited: () => rateLimited('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'),
    }
    return fake
  }

  /** Adds `count` open tasks with ids from `start`, each with contact 501 and company 701, for
   * benchmarks and load tests. */
  seed(count: number, start: number): string[] {
    const now = new Date().toISOString()
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const id = String(start + i)
      this.tasks.set(id, {
        id,
        properties: { hs_task_subject: `seeded ${i}`, hs_task_status: 'NOT_STARTED', hs_timestamp: now, hs_task_type: 'TODO' },
        createdAt: now,
        updatedAt: now,
        associations: { contacts: new Set(['501']), companies: new Set(['701']) },
      })
      ids.push(id)
    }
    return ids
  }

  get url(): string {
    return this.http.url
  }

  close(): Promise<void> {
    return this.http.close()
  }

  private handle(request: SeenRequest): Step {
    if (request.headers.authorization !== `Bearer ${HUBSPOT_TOKEN}`) {
      return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.')
    }
    if (++this.dailyUsed > this.options.daily) return rateLimited('DAILY', 'You have reached your daily limit.')
    const step = this.route(request)
    return { ...step, headers: { ...this.limitHeaders(), ...step.headers } }
  }

  /** The path without its API version (`/crm/objects/tasks/7`), or `undefined` for one the fake
   * does not serve: an unknown version, or a legacy path when `legacy` is off. */
  private unversioned(path: string): string | undefined {
    const dated = /^\/crm\/(objects|associations|owners)\/(\d{4}-\d{2})(\/.*)?$/.exec(path)
    if (dated) return HUBSPOT_VERSIONS.includes(dated[2]!) ? `/crm/${dated[1]}${dated[3] ?? ''}` : undefined
    const legacy = this.options.legacy ? /^\/crm\/v[34](\/.*)$/.exec(path) : null
    return legacy ? `/crm${legacy[1]}` : undefined
  }

  private route(r: SeenRequest): Step {
    const { method } = r
    const path = this.unversioned(r.path)
    if (path === undefined) return error(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${r.path}`)
    const one = /^\/crm\/objects\/tasks\/(\d+)$/.exec(path)
    const assoc = /^\/crm\/objects\/tasks\/(\d+)\/associations\/(contacts|companies)\/(\d+)$/.exec(path)
    const batchAssoc = /^\/crm\/associations\/tasks\/(contacts|companies)\/batch\/read$/.exec(path)
    if (method === 'POST' && path === '/crm/objects/tasks') return this.create(r)
    if (method === 'GET' && path === '/crm/objects/tasks') return { body: { results: [...this.tasks.values()].slice(0, 1).map((t) => this.view(t, [])) } }
    if (method === 'POST' && path === '/crm/objects/tasks/batch/read') return this.batchRead(r)
    if (method === 'POST' && path === '/crm/objects/tasks/batch/update') return this.batchUpdate(r)
    if (one && method === 'GET') return this.getOne(one[1]!, r)
    if (one && method === 'PATCH') return this.patchOne(one[1]!, r)
    if (batchAssoc && method === 'POST') return this.readAssociations(batchAssoc[1] as 'contacts' | 'companies', r)
    if (assoc && (method === 'PUT' || method === 'DELETE')) return this.associate(r, assoc[1]!, assoc[2] as 'contacts' | 'companies', assoc[3]!)
    if (method === 'GET' && path === '/crm/owners') {
      const email = r.query.get('email')?.toLowerCase()
      return { body: { results: this.owners.filter((o) => !email || o.email === email).map((o) => ({ ...o, archived: false })) } }
    }
    return error(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${path}`)
  }

  private check<S extends TSchema>(schema: S, body: unknown, operation: string): Step | undefined {
    const first = Value.Errors(schema, body).First()
    if (!first) return undefined
    const problem = `${operation}: ${first.path || '/'} ${first.message}`
    this.violations.push(problem)
    return error(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${problem}`)
  }

  private validProperties(properties: Record<string, string>, operation: string): Step | undefined {
    const status = properties.hs_task_status
    if (status !== undefined && !STATUSES.includes(status)) return this.invalid(operation, `hs_task_status "${status}" was not one of the allowed options`)
    const type = properties.hs_task_type
    if (type !== undefined && !TYPES.includes(type)) return this.invalid(operation, `hs_task_type "${type}" was not one of the allowed options`)
    const owner = properties.hubspot_owner_id
    if (owner !== undefined && owner !== '' && !this.owners.some((o) => o.id === owner)) {
      return this.invalid(operation, `${owner} is not a valid owner id`, false)
    }
    const timestamp = properties.hs_timestamp
    if (timestamp !== undefined && !/^\d+$/.test(timestamp) && Number.isNaN(Date.parse(timestamp))) {
      return this.invalid(operation, `hs_timestamp "${timestamp}" is not a valid date`)
    }
    return undefined
  }

  /** A value HubSpot refuses; a `violation` unless it is the caller's data (an unknown owner). */
  private invalid(operation: string, message: string, violation = true): Step {
    if (violation) this.violations.push(`${operation}: ${message}`)
    return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${message}`)
  }

  private create(r: SeenRequest): Step {
    const bad = this.check(requests.create, r.body, 'create')
    if (bad) return bad
    const body = r.body as { properties: Record<string, string>; associations: { to: { id: string }; types: { associationTypeId: number }[] }[] }
    if (body.properties.hs_timestamp === undefined) return this.invalid('create', 'hs_timestamp is required')
    const invalid = this.validProperties(body.properties, 'create')
    if (invalid) return invalid
    const associations = { contacts: new Set<string>(), companies: new Set<string>() }
    for (const association of body.associations) {
      const typeId = association.types[0]?.associationTypeId
      const kind = typeId === TASK_TO.contacts ? 'contacts' : typeId === TASK_TO.companies ? 'companies' : undefined
      if (!kind) return this.invalid('create', `association type ${typeId} is not valid from a task`)
      if (!this[kind].has(association.to.id)) return error(400, 'VALIDATION_ERROR', `${kind} ${association.to.id} does not exist`)
      associations[kind].add(association.to.id)
    }
    const now = new Date().toISOString()
    const task: Task = { id: String(this.nextId++), properties: {}, createdAt: now, updatedAt: now, associations }
    this.apply(task, { hs_task_status: 'NOT_STARTED', ...body.properties })
    this.tasks.set(task.id, task)
    return { status: 201, body: this.view(task, Object.keys(body.properties)) }
  }

  private apply(task: Task, properties: Record<string, string>): void {
    const wasCompleted = task.properties.hs_task_status === 'COMPLETED'
    for (const [key, value] of Object.entries(properties)) {
      task.properties[key] = key === 'hs_timestamp' ? toIso(value) : value
    }
    const isCompleted = task.properties.hs_task_status === 'COMPLETED'
    if (isCompleted && !wasCompleted) task.properties.hs_task_completion_date = new Date().toISOString()
    if (!isCompleted) task.properties.hs_task_completion_date = null
    task.updatedAt = new Date().toISOString()
  }

  /** The object as HubSpot returns it: the requested properties, `null` where unset. */
  private view(task: Task, properties: readonly string[]) {
    const names = new Set(['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate', ...properties])
    return {
      id: task.id,
      properties: Object.fromEntries(
        [...names].map((name) => [
          name,
          name === 'hs_object_id' ? task.id : name === 'hs_createdate' ? task.createdAt : name === 'hs_lastmodifieddate' ? task.updatedAt : (task.properties[name] ?? null),
        ]),
      ),
      createdAt: task.createdAt,
      updatedAt: task.updatedAt,
      archived: false,
    }
  }

  private getOne(id: string, r: SeenRequest): Step {
    const task = this.tasks.get(id)
    if (!task) return error(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.')
    const view: ReturnType<HubSpotFake['view']> & { associations?: object } = this.view(task, (r.query.get('properties') ?? '').split(',').filter(Boolean))
    const kinds = (r.query.get('associations') ?? '').split(',').filter((k): k is 'contacts' | 'companies' => k === 'contacts' || k === 'companies')
    const associations = Object.fromEntries(
      kinds
        .filter((kind) => task.associations[kind].size > 0)
        .map((kind) => [kind, { results: [...task.associations[kind]].map((to) => ({ id: to, type: `task_to_${kind.slice(0, -1)}` })) }]),
    )
    if (Object.keys(associations).length > 0) view.associations = associations
    return { body: view }
  }

  private patchOne(id: string, r: SeenRequest): Step {
    const bad = this.check(requests.update, r.body, 'update')
    if (bad) return bad
    const task = this.tasks.get(id)
    if (!task) return error(404, 'OBJECT_NOT_FOUND', 'Object not found.')
    const { properties } = r.body as { properties: Record<string, string> }
    const invalid = this.validProperties(properties, 'update')
    if (invalid) return invalid
    this.apply(task, properties)
    return { body: this.view(task, Object.keys(properties)) }
  }

  private batchRead(r: SeenRequest): Step {
    const bad = this.check(requests.batchRead, r.body, 'batch/read')
    if (bad) return bad
    const body = r.body as { inputs: { id: string }[]; properties: string[] }
    if (body.inputs.length > 100) return this.tooMany('batch/read', body.inputs.length)
    const found = body.inputs.map((input) => this.tasks.get(input.id)).filter((t): t is Task => t !== undefined)
    const missing = body.inputs.map((input) => input.id).filter((id) => !this.tasks.has(id))
    return batchAnswer(
      found.map((task) => this.view(task, body.properties)),
      missing,
    )
  }

  private batchUpdate(r: SeenRequest): Step {
    const bad = this.check(requests.batchUpdate, r.body, 'batch/update')
    if (bad) return bad
    const { inputs } = r.body as { inputs: { id: string; properties: Record<string, string> }[] }
    if (inputs.length > 100) return this.tooMany('batch/update', inputs.length)
    for (const input of inputs) {
      const invalid = this.validProperties(input.properties, 'batch/update')
      if (invalid) return invalid
    }
    const updated = []
    const missing = []
    for (const input of inputs) {
      const task = this.tasks.get(input.id)
      if (!task) {
        missing.push(input.id)
        continue
      }
      this.apply(task, input.properties)
      // Like HubSpot, the answer holds the changed properties, not the whole task.
      updated.push(this.view(task, Object.keys(input.properties)))
    }
    return batchAnswer(updated, missing)
  }

  private readAssociations(kind: 'contacts' | 'companies', r: SeenRequest): Step {
    const bad = this.check(requests.associationsRead, r.body, `associations/${kind}/batch/read`)
    if (bad) return bad
    const { inputs } = r.body as { inputs: { id: string }[] }
    if (inputs.length > 1000) return this.tooMany(`associations/${kind}/batch/read`, inputs.length)
    const results = []
    const none = []
    for (const { id } of inputs) {
      const to = this.tasks.get(id)?.associations[kind]
      if (!to || to.size === 0) {
        none.push(id)
        continue
      }
      results.push({
        from: { id },
        to: [...to].map((toId) => ({
          toObjectId: Number(toId),
          associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: TASK_TO[kind], label: null }],
        })),
      })
    }
    return batchAnswer(results, none)
  }

  private associate(r: SeenRequest, taskId: string, kind: 'contacts' | 'companies', toId: string): Step {
    const task = this.tasks.get(taskId)
    if (!task) return error(404, 'OBJECT_NOT_FOUND', 'Object not found.')
    if (r.method === 'DELETE') {
      task.associations[kind].delete(toId)
      return { status: 204 }
    }
    const bad = this.check(requests.associate, r.body, `associate ${kind}`)
    if (bad) return bad
    const spec = (r.body as { associationTypeId: number }[])[0]
    if (spec?.associationTypeId !== TASK_TO[kind]) return this.invalid(`associate ${kind}`, `association type ${spec?.associationTypeId} is not task to ${kind}`)
    if (!this[kind].has(toId)) return error(400, 'VALIDATION_ERROR', `${kind} ${toId} does not exist`)
    task.associations[kind].add(toId)
    return { status: 201, body: { fromObjectTypeId: '0-27', fromObjectId: Number(taskId), toObjectId: Number(toId), labels: [] } }
  }

  private tooMany(operation: string, count: number): Step {
    this.violations.push(`${operation}: ${count} inputs`)
    return error(400, 'VALIDATION_ERROR', `Too many inputs: ${count}. The limit is 100.`)
  }

  private limitHeaders(): Record<string, string> {
    const windowStart = Date.now() - this.options.windowMs
    const used = this.http.requests.filter((r) => r.at > windowStart).length
    return {
      'x-hubspot-ratelimit-max': String(this.options.perWindow),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, this.options.perWindow - used)),
      'x-hubspot-ratelimit-interval-milliseconds': String(this.options.windowMs),
      'x-hubspot-ratelimit-daily': String(this.options.daily),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, this.options.daily - this.dailyUsed)),
    }
  }
}

function error(status: number, category: string, message: string): Step {
  return { status, body: { status: 'error', message, correlationId: crypto.randomUUID(), category } }
}

function rateLimited(policyName: string, message: string): Step {
  return {
    status: 429,
    body: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: crypto.randomUUID(), policyName },
  }
}

/** 200 when every input was found, else 207 Multi-Status with an OBJECT_NOT_FOUND error. */
function batchAnswer(results: unknown[], missing: string[]): Step {
  const now = new Date().toISOString()
  const base = { status: 'COMPLETE', results, startedAt: now, completedAt: now, requestedAt: now }
  if (missing.length === 0) return { status: 200, body: base }
  return {
    status: 207,
    body: {
      ...base,
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some TASK objects, they may be deleted or not exist. Check that ids are valid.',
          context: { ids: missing },
          errors: [],
          links: {},
        },
      ],
    },
  }
}

function toIso(value: string): string {
  return /^\d+$/.test(value) ? new Date(Number(value)).toISOString() : new Date(value).toISOString()
}
