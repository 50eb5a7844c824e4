import { type SqlDatabase, marks } from './database.ts'
import { type Row, parseObject } from '../../src/kit/utils.ts'
import type { ActivityPort, NativeActivity, NativeActivityInput } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, isRandomId, randomId } from '../../src/kit/utils.ts'

/** Activity fields and their columns; `metadata` is JSON text. */
const COLUMNS = {
  type: 'type',
  direction: 'direction',
  subject: 'subject',
  body: 'body',
  ownerId: 'owner_id',
  occurredAt: 'occurred_at',
  contactId: 'contact_id',
  companyId: 'company_id',
  messageId: 'message_id',
  metadata: 'metadata',
} as const satisfies Record<keyof NativeActivityInput, string>

type Field = keyof typeof COLUMNS

/** Logged activities, found again by their message id (a unique index: one message, one activity). */
export function sqlActivities(db: SqlDatabase, table: string, now: () => number): ActivityPort {
  const byMessage = async (messageId: string) => {
    const [row] = await db.query(`SELECT * FROM ${table} WHERE message_id = ?`, [messageId])
    return row ? fromRow(row) : null
  }
  return {
    isNativeId: isRandomId,

    async doCreate(input) {
      const columns = Object.entries(COLUMNS) as [Field, string][]
      const values = columns.map(([field]) => (field === 'metadata' ? (input.metadata && JSON.stringify(input.metadata)) : input[field]) ?? null)
      // The core asks `doFindByMessageId` first, under a lock of this process only: another
      // gateway process may log the same message in between, and then its activity is the answer.
      const [row] = await db.query(
        `INSERT INTO ${table} (id, ${columns.map(([, column]) => column).join(', ')}, created_at)
         VALUES (${marks(columns.length + 2)}) ON CONFLICT DO NOTHING RETURNING *`,
        [randomId(), ...values, now()],
      )
      if (row) return fromRow(row)
      const existing = input.messageId === undefined ? null : await byMessage(input.messageId)
      if (!existing) throw new UpstreamUnavailableError(`the database refused a new activity of ${table} and holds none it conflicts with`)
      return existing
    },

    doFindByMessageId: byMessage,
  }
}

function fromRow(row: Row): NativeActivity {
  const activity: NativeActivity = { id: String(row.id), type: String(row.type), occurredAt: Number(row.occurred_at) }
  for (const [field, column] of Object.entries(COLUMNS) as [Field, string][]) {
    const value = row[column]
    if (value === null || value === undefined || field === 'type' || field === 'occurredAt') continue
    if (field === 'metadata') {
      const metadata = parseObject(value)
      if (metadata) activity.metadata = metadata
    } else if (field === 'direction') activity.direction = value as NativeActivity['direction']
    else activity[field] = String(value)
  }
  return activity
}
