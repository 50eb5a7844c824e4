import { randomUUID } from 'node:crypto'
import { invalid, notFound } from './errors.ts'
import type { SeenRequest, Step } from './http.ts'
import { type RecordStore, ok } from './records.ts'
import { TaskCreate, TaskList, TaskPatch, firstProblem } from './schemas.ts'
import { attioTimestamp, parseTimestamp } from './time.ts'
import type { Actor, ResolveReference } from './values.ts'

export interface FakeTask {
  readonly id: string
  content: string
  deadlineAt: number | null
  isCompleted: boolean
  completedAt: number | null
  linked: { store: RecordStore; recordId: string }[]
  assignees: string[]
  readonly createdAt: number
  readonly createdBy: Actor
}

/** What the task endpoints ask of the workspace around them. */
export interface TaskContext {
  readonly workspaceId: string
  readonly apiActor: Actor
  /** The record store of an object slug or id; tasks link people and companies only. */
  readonly store: (object: string) => RecordStore | undefined
  /** A linked record's id, by id or by a unique attribute of its object. */
  readonly resolve: ResolveReference
  /** A workspace member's id, by id or e-mail address. */
  readonly member: (idOrEmail: string) => string | undefined
  readonly queryLagMs: () => number
  /** Answers tasks without `completed_at`, as the live API is seen to (see `view`). */
  readonly omitCompletedAt: () => boolean
  readonly violation: (problem: string) => void
}

type LinkedInput = { target_object: string; target_record_id?: string } & Record<string, unknown>
type AssigneeInput = { referenced_actor_id?: string; workspace_member_email_address?: string }

/**
 * Attio tasks (https://docs.attio.com/rest-api/endpoint-reference/tasks): create (plain text
 * content of at most 2,000 characters, a deadline or null, completion, linked people and
 * companies, assigned workspace members: every field required), get, update of
 * `deadline_at`, `is_completed`, `linked_records` and `assignees` only (content cannot change
 * after creation), and a list "sorted by creation date, from oldest to newest", with limit
 * (default 500), offset, sort, and filters by linked record, assignee and completion. There is
 * no way to read several tasks by id at once, and no `updated_at`.
 */
export class TaskStore {
  readonly tasks = new Map<string, FakeTask>()

  constructor(private readonly ctx: TaskContext) {}

  handle(r: SeenRequest): Step | undefined {
    if (r.path === '/v2/tasks' && r.method === 'POST') return this.create(r.body)
    if (r.path === '/v2/tasks' && r.method === 'GET') return this.list(Object.fromEntries(r.query))
    const one = /^\/v2\/tasks\/([^/]+)$/.exec(r.path)
    if (!one) return undefined
    const task = this.tasks.get(one[1]!)
    if (r.method === 'GET') return task ? ok(this.view(task)) : this.missing(one[1]!)
    if (r.method === 'PATCH') return this.update(task, one[1]!, r.body)
    return undefined
  }

  view(task: FakeTask): Record<string, unknown> {
    return {
      id: { workspace_id: this.ctx.workspaceId, task_id: task.id },
      content_plaintext: task.content,
      deadline_at: task.deadlineAt === null ? null : attioTimestamp(task.deadlineAt),
      is_completed: task.isCompleted,
      // In the OpenAPI file since April 2026, and required; a client generated from it had to make
      // it optional because live answers lack it (hbmartin/attio-ts-sdk
      // scripts/attio-openapi-patch.ts, `patchTaskSchema`, 2026-05-19).
      ...(this.ctx.omitCompletedAt() ? {} : { completed_at: task.completedAt === null ? null : attioTimestamp(task.completedAt) }),
      linked_records: task.linked.map(({ store, recordId }) => ({ target_object_id: store.objectId, target_record_id: recordId })),
      assignees: task.assignees.map((id) => ({ referenced_actor_type: 'workspace-member', referenced_actor_id: id })),
      created_by_actor: { type: task.createdBy.type, id: task.createdBy.id },
      created_at: attioTimestamp(task.createdAt),
    }
  }

  private create(body: unknown): Step {
    const bad = this.check(TaskCreate, body)
    if (bad) return bad
    const data = (body as { data: Record<string, unknown> }).data
    const deadline = this.deadline(data.deadline_at)
    if (deadline === undefined) return invalid(`deadline_at "${String(data.deadline_at)}" is not an ISO 8601 timestamp.`)
    const linked = this.linked(data.linked_records as LinkedInput[])
    if (!Array.isArray(linked)) return linked
    const assignees = this.assignees(data.assignees as AssigneeInput[])
    if (!Array.isArray(assignees)) return assignees
    const task = this.insert({ content: data.content as string, deadlineAt: deadline, isCompleted: data.is_completed as boolean, linked, assignees })
    return ok(this.view(task))
  }

  private insert(fields: Pick<FakeTask, 'content' | 'deadlineAt' | 'isCompleted' | 'linked' | 'assignees'>): FakeTask {
    const now = Date.now()
    const task: FakeTask = { id: randomUUID(), ...fields, completedAt: fields.isCompleted ? now : null, createdAt: now, createdBy: this.ctx.apiActor }
    this.tasks.set(task.id, task)
    return task
  }

  private update(task: FakeTask | undefined, id: string, body: unknown): Step {
    const bad = this.check(TaskPatch, body)
    if (bad) return bad
    if (!task) return this.missing(id)
    const data = (body as { data: Record<string, unknown> }).data
    const deadline = 'deadline_at' in data ? this.deadline(data.deadline_at) : task.deadlineAt
    if (deadline === undefined) return invalid(`deadline_at "${String(data.deadline_at)}" is not an ISO 8601 timestamp.`)
    const linked = data.linked_records ? this.linked(data.linked_records as LinkedInput[]) : task.linked
    if (!Array.isArray(linked)) return linked
    const assignees = data.assignees ? this.assignees(data.assignees as AssigneeInput[]) : task.assignees
    if (!Array.isArray(assignees)) return assignees
    if (typeof data.is_completed === 'boolean' && data.is_completed !== task.isCompleted) {
      task.completedAt = data.is_completed ? Date.now() : null
      task.isCompleted = data.is_completed
    }
    Object.assign(task, { deadlineAt: deadline, linked, assignees })
    return ok(this.view(task))
  }

  private list(query: Record<string, string>): Step {
    const bad = this.check(TaskList, query)
    if (bad) return bad
    if ((query.linked_object === undefined) !== (query.linked_record_id === undefined)) return invalid('linked_object and linked_record_id must be given together.')
    const visibleBefore = Date.now() - this.ctx.queryLagMs()
    const linkedStore = query.linked_object === undefined ? undefined : this.ctx.store(query.linked_object)
    if (query.linked_object !== undefined && !linkedStore) return notFound(`Object with slug/ID "${query.linked_object}" not found.`)
    const assignee = query.assignee === undefined || query.assignee === '' || query.assignee === 'null' ? query.assignee : this.ctx.member(query.assignee)
    const found = [...this.tasks.values()].filter(
      (task) =>
        task.createdAt <= visibleBefore &&
        (linkedStore === undefined || task.linked.some((l) => l.store === linkedStore && l.recordId === query.linked_record_id)) &&
        (query.is_completed === undefined || task.isCompleted === (query.is_completed === 'true')) &&
        (query.assignee === undefined || (assignee === '' || assignee === 'null' ? task.assignees.length === 0 : task.assignees.includes(assignee ?? ''))),
    )
    const [key, direction] = (query.sort ?? 'created_at:asc').split(':') as ['created_at' | 'completed_at', 'asc' | 'desc']
    // "completed_at:asc" puts tasks not completed first, "completed_at:desc" last (the sort parameter's description).
    const at = (task: FakeTask) => (key === 'created_at' ? task.createdAt : (task.completedAt ?? (direction === 'asc' ? -1 : Number.NEGATIVE_INFINITY)))
    found.sort((a, b) => (direction === 'asc' ? at(a) - at(b) : at(b) - at(a)))
    const offset = Number(query.offset ?? 0)
    const limit = Number(query.limit ?? 500)
    return { status: 200, body: { data: found.slice(offset, offset + limit).map((task) => this.view(task)) } }
  }

  /** Milliseconds, null for no deadline, or undefined for a value that is not a timestamp. */
  private deadline(value: unknown): number | null | undefined {
    return value === null ? null : parseTimestamp(String(value))
  }

  private linked(inputs: LinkedInput[]): FakeTask['linked'] | Step {
    const linked: FakeTask['linked'] = []
    for (const input of inputs) {
      const store = this.ctx.store(input.target_object)
      if (!store) return notFound(`Object with slug/ID "${input.target_object}" not found.`)
      const recordId = this.ctx.resolve(store.object, { ...input, target_object: store.object })
      if (typeof recordId !== 'string') return notFound(recordId.problem)
      linked.push({ store, recordId })
    }
    return linked
  }

  private assignees(inputs: AssigneeInput[]): string[] | Step {
    const ids: string[] = []
    for (const input of inputs) {
      const id = this.ctx.member(input.referenced_actor_id ?? input.workspace_member_email_address ?? '')
      if (!id) return notFound(`Workspace member ${input.referenced_actor_id ?? input.workspace_member_email_address} not found.`)
      ids.push(id)
    }
    return ids
  }

  private check(schema: Parameters<typeof firstProblem>[0], value: unknown): Step | undefined {
    const problem = firstProblem(schema, value)
    if (!problem) return undefined
    this.ctx.violation(`tasks: ${problem}`)
    return invalid(problem)
  }

  private missing(id: string): Step {
    return notFound(`Task with ID "${id}" not found.`)
  }
}

