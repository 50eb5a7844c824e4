import type { SqlDatabase } from './database.ts'
import { fromRow } from './mapping.ts'
import type { CreatedTaskLookup } from '../../src/kit/spec.ts'
import { isCreatedFrom } from '../../src/kit/utils.ts'

/** A statement the database received may still commit after the gateway stopped waiting for it;
 * once committed, a row is seen at once. */
const SETTLE_MS = 30_000

/** The rows a lost INSERT may have made: its subject, created since the attempt, every other field
 * as it wrote them. */
export function createdSqlTasks(db: SqlDatabase, table: string): CreatedTaskLookup {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }) {
      const rows = await db.query(`SELECT * FROM ${table} WHERE subject = ? AND created_at >= ?`, [input.subject, createdAfter])
      return rows.map(fromRow).filter((task) => isCreatedFrom(task, input))
    },
  }
}
