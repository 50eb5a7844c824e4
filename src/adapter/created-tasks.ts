import type { CallOptions } from './common.ts'
import type { NativeTask, NativeTaskInput, TaskPort } from './tasks.ts'

/** A `doCreate` that may have made its task in the CRM, though its answer never came back. */
export interface CreateAttempt {
  /** What `doCreate` was given. */
  readonly input: NativeTaskInput
  /** Epoch milliseconds before the attempt was sent, with a margin for the CRM's clock: the task
   * it made, if any, was created at this moment or later. */
  readonly createdAfter: number
}

/**
 * How the gateway finds the task of a create whose answer was lost (a timeout, a dropped
 * connection, a 5xx after sending), so that a retry with the same `Idempotency-Key` answers that
 * task instead of making a second one. Declare it where the CRM can list or search its tasks by
 * what they hold and when they were created.
 */
export interface CreatedTaskLookup {
  /**
   * How long after an attempt ended `doFind` surely sees the task it made: the longest the CRM may
   * still apply a create it received, plus how long its search or list takes to show a new task.
   * Until then an empty answer proves nothing, and the retry is answered 409 with `Retry-After`.
   */
  readonly settleMs: number
  /**
   * Every task holding the attempt's fields, as this CRM keeps them (`isCreatedFrom` compares
   * them), created at `createdAfter` or later; no other. One is the attempt's task; none, once
   * `settleMs` has passed, means it made none, and the create is sent again; several cannot be
   * told apart, and the retry is answered 409.
   */
  doFind(attempt: CreateAttempt, options: CallOptions): Promise<NativeTask[]>
}

type Field = keyof NativeTaskInput

const FIELDS: readonly Field[] = ['subject', 'description', 'type', 'ownerId', 'contactId', 'companyId', 'dueDate']

/**
 * Whether `task` holds what a create of `expected` writes: each field the same, absent where it is
 * absent, but for the fields in `filled`, which the CRM gives a value of its own when a create
 * leaves them out (HubSpot's due date, Pipedrive's owner and type). An empty description is no
 * description, as CRMs keep it.
 */
export function isCreatedFrom(task: NativeTask, expected: NativeTaskInput, filled: readonly Field[] = []): boolean {
  return FIELDS.every((field) => {
    const want = field === 'description' && expected.description === '' ? undefined : expected[field]
    if (want === undefined && filled.includes(field)) return true
    return (field === 'description' && task.description === '' ? undefined : task[field]) === want
  })
}

/**
 * `port` with the lookup `make` builds for it: one line of an adapter's wiring, for a lookup that
 * reads found tasks through the port itself. The port is the new one's prototype, so a port that
 * is a class instance keeps its methods, and `this` in them still finds the others.
 */
export function withCreatedLookup(port: TaskPort, make: (port: TaskPort) => CreatedTaskLookup): TaskPort {
  return Object.assign(Object.create(port) as TaskPort, { createdLookup: make(port) })
}
