import type { Row } from './drivers.ts'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/adapter-kit.ts'

/** Gateway fields and their columns; ids of other systems are kept as text. */
export const COLUMNS = {
  subject: 'subject',
  description: 'description',
  type: 'type',
  ownerId: 'owner_id',
  contactId: 'contact_id',
  companyId: 'company_id',
  dueDate: 'due_at',
} as const satisfies Record<keyof Omit<NativeTaskPatch, 'completed'>, string>

export function createTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    description TEXT,
    type TEXT,
    owner_id TEXT,
    contact_id TEXT,
    company_id TEXT,
    due_at BIGINT,
    completed BOOLEAN NOT NULL DEFAULT FALSE,
    completed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`
}

export function fromRow(row: Row): NativeTask {
  const task: NativeTask = {
    id: String(row.id),
    subject: String(row.subject),
    completed: row.completed === true || row.completed === 1,
    completedAt: row.completed_at === null || row.completed_at === undefined ? null : Number(row.completed_at),
  }
  for (const [field, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    const value = row[column]
    if (value === null || value === undefined) continue
    if (field === 'dueDate') task.dueDate = Number(value)
    else task[field] = String(value)
  }
  return task
}
