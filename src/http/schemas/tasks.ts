import { type Static, Type } from '@sinclair/typebox'

/**
 * The Enginy task contract as TypeBox schemas. Request bodies are validated and responses are
 * serialized through these, and every TypeScript type of the contract is derived from them.
 * Objects are open (no `additionalProperties: false`) because the contract says unknown fields
 * are ignored; the service picks the fields it knows.
 */

const RefId = Type.String({ maxLength: 256 })

/** Accepted forms are checked by the `enginy-datetime` format registered in `src/app.ts`. */
const DueDateInput = Type.String({ format: 'enginy-datetime', maxLength: 64 })

export const WritableFields = {
  subject: Type.String({ minLength: 1, maxLength: 1000 }),
  description: Type.String({ maxLength: 65536 }),
  type: Type.String({ minLength: 1, maxLength: 64 }),
  ownerId: RefId,
  contactId: RefId,
  companyId: RefId,
  dueDate: DueDateInput,
}

export const TaskCreate = Type.Object({
  subject: WritableFields.subject,
  description: Type.Optional(WritableFields.description),
  type: Type.Optional(WritableFields.type),
  ownerId: Type.Optional(WritableFields.ownerId),
  contactId: Type.Optional(WritableFields.contactId),
  companyId: Type.Optional(WritableFields.companyId),
  dueDate: Type.Optional(WritableFields.dueDate),
})
export type TaskCreate = Static<typeof TaskCreate>

/** Optional `Idempotency-Key`: a repeat of a create with the same key returns the first task. */
export const CreateHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' })),
})

export const TaskPatch = Type.Partial(
  Type.Object({
    ...WritableFields,
    completed: Type.Boolean(),
  }),
)
export type TaskPatch = Static<typeof TaskPatch>

export const Task = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  description: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  ownerId: Type.Optional(Type.String()),
  contactId: Type.Optional(Type.String()),
  companyId: Type.Optional(Type.String()),
  dueDate: Type.Optional(Type.String()),
  completed: Type.Boolean(),
  completedAt: Type.Union([Type.String(), Type.Null()]),
})
export type Task = Static<typeof Task>

export const TaskList = Type.Array(Task)

export const TaskIdParams = Type.Object({
  taskId: Type.String({ minLength: 1 }),
})

// No length cap on one id: an overlong id is malformed, and malformed ids are left out, not a 400.
const BatchIds = Type.Array(Type.String())

export const BatchGetBody = Type.Object({ ids: BatchIds })
export type BatchGetBody = Static<typeof BatchGetBody>

export const BatchCompleteBody = Type.Object({ ids: BatchIds, completed: Type.Boolean() })
export type BatchCompleteBody = Static<typeof BatchCompleteBody>
