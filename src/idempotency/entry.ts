import { createHash } from 'node:crypto'
import type { Task, TaskCreate } from '../contract/tasks.ts'
import type { InDoubt as Doubt, Running as Attempting } from './lost-creates.ts'

/** How long the outcome of a create is kept for its `Idempotency-Key`. */
export const KEEP_MS = 24 * 60 * 60 * 1000

interface Held {
  /** Digest of the body that first came with the key: the same key with another body is refused. */
  readonly hash: string
  /** Which attempt holds the key: only it may change the entry (a compare and set). */
  readonly attempt: string
}

/** A create under way (`lost-creates.ts`), with the digest of its body. */
export interface Running extends Attempting, Held {}

/** A create that may have made its task, without its answer (`lost-creates.ts`). */
export interface InDoubt extends Doubt, Held {}

/** A create that made its task: the answer, or the task's id where the answer is too large. */
export interface Done extends Held {
  readonly state: 'done'
  readonly answer: StoredAnswer
}

export type Entry = Running | InDoubt | Done

/**
 * The answer of a create, without what the repeat brings again: the text fields that are exactly
 * as the request sent them (`echoed`) are left out, and taken back from the repeat, whose body has
 * the same digest. A 64 KiB description costs nothing to keep, then. An answer whose text the CRM
 * changed, and is still too large, keeps only its task's id, and a repeat reads the task again.
 */
export type StoredAnswer = { readonly task: Partial<Task>; readonly echoed: readonly Echoed[] } | { readonly id: string }

type Echoed = 'subject' | 'description'
const ECHOED: readonly Echoed[] = ['subject', 'description']

/**
 * The most bytes an entry's JSON takes: an answer larger than this keeps only the task's id. A
 * create not yet done is charged this much, so that its outcome always fits where it was claimed.
 */
export const MAX_ENTRY_BYTES = 1536
/** What the structures holding one entry cost besides its key and JSON, as measured: Redis' hash
 * fields, sorted-set members and their encodings; this process's map slots. */
export const ENTRY_OVERHEAD_BYTES = 448

/** The bytes an entry is charged in its tenant's share: its key, its JSON or the most a JSON may
 * take, and the overhead. */
export function charge(key: string, entry: Entry, json: string): number {
  const body = entry.state === 'done' ? Buffer.byteLength(json) : MAX_ENTRY_BYTES
  return ENTRY_OVERHEAD_BYTES + Buffer.byteLength(key) + body
}

export function doneEntry(hash: string, attempt: string, task: Task, body: TaskCreate): Done {
  const kept: Partial<Task> = { ...task }
  const echoed = ECHOED.filter((field) => task[field] !== undefined && task[field] === body[field])
  for (const field of echoed) delete kept[field]
  const full: Done = { state: 'done', hash, attempt, answer: { task: kept, echoed } }
  return Buffer.byteLength(JSON.stringify(full)) <= MAX_ENTRY_BYTES ? full : { state: 'done', hash, attempt, answer: { id: task.id } }
}

/** The answer of a done entry, given the repeat's body; `undefined` when only the id was kept. */
export function storedTask(answer: StoredAnswer, body: TaskCreate): Task | undefined {
  if ('id' in answer) return undefined
  const task = { ...answer.task }
  for (const field of answer.echoed) task[field] = body[field]
  return task as Task
}

/** The same task is the same known fields with the same values, whatever their order or extras. */
export function bodyHash(body: TaskCreate): string {
  const fields = ['subject', 'description', 'type', 'ownerId', 'contactId', 'companyId', 'dueDate'] as const
  return createHash('sha256')
    .update(JSON.stringify(fields.map((field) => body[field] ?? null)))
    .digest('base64url')
}
