import { type TSchema, Type } from '@sinclair/typebox'
import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import { type Validator, batchAnswer, error, searchPage } from './answers.ts'
import { recordRequests } from './schemas.ts'

/**
 * HubSpot's tasks in the fake portal: create, read (one and batch), update (one and batch), and
 * their associations to contacts and companies (v4 batch reads, single PUT and DELETE), as
 * HubSpot's reference describes them.
 */

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

export interface Task {
  id: string
  properties: Record<string, string | null>
  createdAt: string
  updatedAt: string
  associations: { contacts: Set<string>; companies: Set<string> }
}

export class TaskHandlers {
  constructor(
    readonly tasks: Map<string, Task>,
    private readonly v: Validator,
    private readonly records: { readonly contacts: { has(id: string): boolean }; readonly companies: { has(id: string): boolean } },
    private readonly owners: () => readonly { id: string }[],
    private readonly nextId: () => string,
    private readonly searchLagMs: () => number = () => 0,
    private readonly maxResults: () => number = () => 10_000,
  ) {}

  /** The answer to a task operation at `path` (without its API version), or `undefined`. */
  route(r: SeenRequest, path: string): Step | undefined {
    const { method } = r
    const one = /^\/crm\/objects\/tasks\/(\d+)$/.exec(path)
    const assoc = /^\/crm\/objects\/tasks\/(\d+)\/associations\/(contacts|companies)\/(\d+)$/.exec(path)
    const batchAssoc = /^\/crm\/associations\/tasks\/(contacts|companies)\/batch\/read$/.exec(path)
    if (method === 'POST' && path === '/crm/objects/tasks') return this.create(r)
    if (method === 'GET' && path === '/crm/objects/tasks') return { body: { results: [...this.tasks.values()].slice(0, 1).map((t) => this.view(t, [])) } }
    if (method === 'POST' && path === '/crm/objects/tasks/search') return this.search(r)
    if (method === 'POST' && path === '/crm/objects/tasks/batch/read') return this.batchRead(r)
    if (method === 'POST' && path === '/crm/objects/tasks/batch/update') return this.batchUpdate(r)
    if (one && method === 'GET') return this.getOne(one[1]!, r)
    if (one && method === 'PATCH') return this.patchOne(one[1]!, r)
    if (batchAssoc && method === 'POST') return this.readAssociations(batchAssoc[1] as 'contacts' | 'companies', r)
    if (assoc && (method === 'PUT' || method === 'DELETE')) return this.associate(r, assoc[1]!, assoc[2] as 'contacts' | 'companies', assoc[3]!)
    return undefined
  }

  private check<S extends TSchema>(schema: S, body: unknown, operation: string): Step | undefined {
    return this.v.check(schema, body, operation)
  }

  private validProperties(properties: Record<string, string>, operation: string): Step | undefined {
    const status = properties.hs_task_status
    if (status !== undefined && !STATUSES.includes(status)) return this.invalid(operation, `hs_task_status "${status}" was not one of the allowed options`)
    const type = properties.hs_task_type
    if (type !== undefined && !TYPES.includes(type)) return this.invalid(operation, `hs_task_type "${type}" was not one of the allowed options`)
    const owner = properties.hubspot_owner_id
    if (owner !== undefined && owner !== '' && !this.owners().some((o) => o.id === owner)) {
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
    if (violation) this.v.violations.push(`${operation}: ${message}`)
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
      if (!this.records[kind].has(association.to.id)) return error(400, 'VALIDATION_ERROR', `${kind} ${association.to.id} does not exist`)
      associations[kind].add(association.to.id)
    }
    const now = new Date().toISOString()
    const task: Task = { id: this.nextId(), properties: {}, createdAt: now, updatedAt: now, associations }
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
  view(task: Task, properties: readonly string[]) {
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
    const view: ReturnType<TaskHandlers['view']> & { associations?: object } = this.view(task, (r.query.get('properties') ?? '').split(',').filter(Boolean))
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
    if (!this.records[kind].has(toId)) return error(400, 'VALIDATION_ERROR', `${kind} ${toId} does not exist`)
    task.associations[kind].add(toId)
    return { status: 201, body: { fromObjectTypeId: '0-27', fromObjectId: Number(taskId), toObjectId: Number(toId), labels: [] } }
  }

  /**
   * Tasks by search, as HubSpot's CRM search serves them: filters ANDed in a group, groups ORed;
   * `EQ` on text without regard to case, `GTE` and `LTE` on `hs_createdate` and
   * `hs_lastmodifieddate` (epoch milliseconds); sorted by the one property `sorts` names (the
   * search guide's `{propertyName, direction}`), else in the order they were made; pages of
   * `limit` by an offset in `after`, none past `maxResults` (HubSpot: 10,000, a 400 past it); a
   * task created or changed moments ago not found yet (`searchLagMs`: the guide's "a few moments"
   * before a write shows in search). Only what the gateway has reason to use is served.
   */
  private search(r: SeenRequest): Step {
    const bad = this.check(recordRequests.search, r.body, 'tasks/search')
    if (bad) return bad
    const body = r.body as {
      filterGroups: { filters: { propertyName: string; operator: string; value?: string }[] }[]
      properties: string[]
      sorts: ({ propertyName: string; direction?: string } | string)[]
      limit: number
      after: string
    }
    const dated = (name: string) => name === 'hs_createdate' || name === 'hs_lastmodifieddate'
    for (const filter of body.filterGroups.flatMap((group) => group.filters)) {
      const served = filter.value !== undefined && (filter.operator === 'EQ' || (dated(filter.propertyName) && ['GTE', 'LTE'].includes(filter.operator)))
      if (!served) return this.v.refuse('tasks/search', `the fake serves EQ, and GTE or LTE on a date, not ${filter.operator} on ${filter.propertyName}`)
      if (dated(filter.propertyName) && !/^\d+$/.test(filter.value!)) return this.v.refuse('tasks/search', `${filter.propertyName} takes epoch milliseconds`)
    }
    if (body.limit < 1 || body.limit > 200 || !/^\d+$/.test(body.after)) return this.v.refuse('tasks/search', 'limit must be 1 to 200, after an offset')
    if (Number(body.after) + body.limit > this.maxResults()) return this.v.refuse('tasks/search', `a search cannot page past ${this.maxResults()} results`)
    const sort = body.sorts[0]
    if (body.sorts.length > 1 || (sort !== undefined && (typeof sort === 'string' || !dated(sort.propertyName)))) return this.v.refuse('tasks/search', 'the fake sorts by one date property')
    const lag = this.searchLagMs()
    const now = Date.now()
    const time = (task: Task, name: string) => Date.parse(name === 'hs_createdate' ? task.createdAt : task.updatedAt)
    const holds = (task: Task, filter: { propertyName: string; operator: string; value?: string }) => {
      if (dated(filter.propertyName)) {
        const at = time(task, filter.propertyName)
        return filter.operator === 'GTE' ? at >= Number(filter.value) : at <= Number(filter.value)
      }
      return (task.properties[filter.propertyName] ?? '').toLowerCase() === filter.value!.toLowerCase()
    }
    const matches = [...this.tasks.values()].filter(
      (task) => time(task, 'hs_lastmodifieddate') + lag <= now && (body.filterGroups.length === 0 || body.filterGroups.some((group) => group.filters.every((filter) => holds(task, filter)))),
    )
    if (sort && typeof sort !== 'string') {
      const way = sort.direction === 'DESCENDING' ? -1 : 1
      matches.sort((a, b) => way * (time(a, sort.propertyName) - time(b, sort.propertyName)) || a.id.length - b.id.length || a.id.localeCompare(b.id))
    }
    return searchPage(matches, body.after, body.limit, (task) => this.view(task, body.properties))
  }

  private tooMany(operation: string, count: number): Step {
    this.v.violations.push(`${operation}: ${count} inputs`)
    return error(400, 'VALIDATION_ERROR', `Too many inputs: ${count}. The limit is 100.`)
  }

}

function toIso(value: string): string {
  return /^\d+$/.test(value) ? new Date(Number(value)).toISOString() : new Date(value).toISOString()
}
