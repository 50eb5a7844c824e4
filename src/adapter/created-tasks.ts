import type { NativeTask, NativeTaskInput } from '../kit/spec.ts'

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
