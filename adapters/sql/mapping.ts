import type { Row } from '../../src/kit/utils.ts'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/spec.ts'

/** Task fields and their columns, those of the first version of this adapter (its table keeps
 * them); ids of other systems are kept as text. */
export const COLUMNS = {
  subject: 'subject',
  description: 'description',
  type: 'type',
  ownerId: 'owner_id',
  contactId: 'contact_id',
  companyId: 'company_id',
  dueDate: 'due_at',
} as const satisfies Record<keyof Omit<NativeTaskPatch, 'completed'>, string>

export type Field = keyof typeof COLUMNS

export function fromRow(row: Row): NativeTask {
  const task: NativeTask = {
    id: String(row.id),
    subject: String(row.subject),
    completed: row.completed === true || row.completed === 1,
    completedAt: row.completed_at === null || row.completed_at === undefined ? null : Number(row.completed_at),
  }
  for (const [field, column] of Object.entries(COLUMNS) as [Field, string][]) {
    const value = row[column]
    if (value === null || value === undefined) continue
    if (field === 'dueDate') task.dueDate = Number(value)
    else task[field] = String(value)
  }
  return task
}
