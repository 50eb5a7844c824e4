import { type Static, Type } from '@sinclair/typebox'
import { DateInput, DateOutput } from './common.ts'

/**
 * The Enginy task contract as TypeBox schemas. Request bodies are validated and responses are
 * serialized through these, and every TypeScript type of the contract is derived from them.
 * Objects are open (no `additionalProperties: false`) because the contract says unknown fields
 * are ignored; the service picks the fields it knows.
 */

const RefId = (description: string, example: string) => Type.String({ maxLength: 256, description, examples: [example] })

export const WritableFields = {
  subject: Type.String({ minLength: 1, maxLength: 1000, description: "the task's title", examples: ['Follow up with John'] }),
  description: Type.String({ maxLength: 65536, description: 'notes, as plain text', examples: ['Discuss pricing proposal from last meeting'] }),
  type: Type.String({
    minLength: 1,
    maxLength: 64,
    description: "call, email, meeting, todo…: mapped to the CRM's task types through the connection's typeMap, and back",
    examples: ['call'],
  }),
  ownerId: RefId('the user the task is assigned to, an id from GET /users', 'hubspot.111'),
  contactId: RefId("the contact's crmId", 'hubspot.1001'),
  companyId: RefId("the company's crmId", 'hubspot.2001'),
  dueDate: DateInput('when the task is due', '2024-01-15T12:00:00+02:00'),
}

const completed = Type.Boolean({ description: 'true completes the task (completedAt: now), false reopens it', examples: [true] })

export const TaskCreate = Type.Object(
  {
    subject: WritableFields.subject,
    description: Type.Optional(WritableFields.description),
    type: Type.Optional(WritableFields.type),
    ownerId: Type.Optional(WritableFields.ownerId),
    contactId: Type.Optional(WritableFields.contactId),
    companyId: Type.Optional(WritableFields.companyId),
    dueDate: Type.Optional(WritableFields.dueDate),
  },
  { description: 'A new task; fields the gateway does not know are ignored' },
)
export type TaskCreate = Static<typeof TaskCreate>

/** Optional `Idempotency-Key`: a repeat of a create with the same key returns the first task. */
export const CreateHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'makes a retried create safe: a repeat with the same body within 24 hours answers the same task (Idempotent-Replayed: true) without calling the CRM; with another body, a 422',
      examples: ['3f2b7c1e-enginy-task-88'],
    }),
  ),
})

export const TaskPatch = Type.Partial(
  Type.Object({ ...WritableFields, completed }, { description: 'Any non-empty subset of completed and the writable fields; the others stay as they are' }),
)
export type TaskPatch = Static<typeof TaskPatch>

const Out = (description: string, example: string) => Type.String({ description, examples: [example] })

export const Task = Type.Object(
  {
    id: Out("the gateway's id of the task: it names the connection that holds it", 'hubspot.3001'),
    subject: Out("the task's title", 'Follow up with John'),
    description: Type.Optional(Out('notes, as plain text', 'Discuss pricing proposal from last meeting')),
    type: Type.Optional(Out("the task's type, mapped back from the CRM's", 'call')),
    ownerId: Type.Optional(Out('the user it is assigned to', 'hubspot.111')),
    contactId: Type.Optional(Out("the contact's crmId", 'hubspot.1001')),
    companyId: Type.Optional(Out("the company's crmId", 'hubspot.2001')),
    dueDate: Type.Optional(DateOutput('when the task is due', '2024-01-15T10:00:00Z')),
    completed: Type.Boolean({ description: 'whether the task is done', examples: [false] }),
    // No `format` inside the union: the serializer would check it on every task (twice the time).
    completedAt: Type.Union([Type.String(), Type.Null()], {
      description: 'when it was first completed, in UTC to the second (YYYY-MM-DDTHH:mm:ssZ); null while it is open',
      examples: ['2024-01-16T08:30:00Z'],
    }),
  },
  { description: 'A task' },
)
export type Task = Static<typeof Task>

export const TaskList = Type.Array(Task, { description: 'The tasks that exist, in the order of their first appearance among the ids, each once' })

export const TaskIdParams = Type.Object({
  taskId: Type.String({ minLength: 1, description: 'a task id as the gateway gave it', examples: ['hubspot.3001'] }),
})

/**
 * No length cap on one id: an overlong id is malformed, and malformed ids are left out, not a
 * 400. The cap on their number is `limits.maxBatchIds`, which the document shows as in force.
 */
const BatchIds = Type.Array(Type.String({ description: 'a task id' }), {
  'x-limit': 'maxBatchIds',
  description: 'task ids; those that do not exist, are malformed or of a connection the key may not see are left out. At most `limits.maxBatchIds` (1,000 by default)',
  examples: [['hubspot.3001', 'hubspot.3002']],
})

export const BatchGetBody = Type.Object({ ids: BatchIds })
export type BatchGetBody = Static<typeof BatchGetBody>

export const BatchCompleteBody = Type.Object({ ids: BatchIds, completed })
export type BatchCompleteBody = Static<typeof BatchCompleteBody>
