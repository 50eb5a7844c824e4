import { type SqlDatabase, marks } from './database.ts'
import { COLUMNS, type Field, fromRow } from './mapping.ts'
import type { TaskPort } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, isRandomId, randomId } from '../../src/kit/utils.ts'

/** Tasks in the table the first version of this adapter created, with the same columns. */
export function sqlTasks(db: SqlDatabase, table: string, maxBatch: number, now: () => number): TaskPort {
  const run = async (sql: string, params: readonly unknown[]) => (await db.query(sql, params)).map(fromRow)

  /** SET clauses for a completion; every SET sees the row as it was, so completing twice keeps the first time. */
  const completion = (completed: boolean, at: number): [string, unknown[]] =>
    completed
      ? ['completed_at = CASE WHEN completed THEN completed_at ELSE ? END, completed = TRUE', [at]]
      : ['completed = FALSE, completed_at = NULL', []]

  return {
    capabilities: { maxBatchRead: maxBatch, maxBatchUpdate: maxBatch },
    isNativeId: isRandomId,

    async doCreate(input, options) {
      const at = now()
      const columns = Object.entries(COLUMNS) as [Field, string][]
      const values = columns.map(([field]) => input[field] ?? null)
      // An INSERT whose answer was lost may have committed; one the database refused did not.
      const write = options.writes?.sending()
      try {
        const [task] = await run(
          `INSERT INTO ${table} (id, ${columns.map(([, column]) => column).join(', ')}, completed, created_at, updated_at)
           VALUES (${marks(columns.length + 4)}) RETURNING *`,
          [randomId(), ...values, false, at, at],
        )
        return task!
      } catch (error) {
        if (error instanceof UpstreamRejectedError) write?.refused()
        throw error
      }
    },

    async doGetMany(ids) {
      return run(`SELECT * FROM ${table} WHERE id IN (${marks(ids.length)})`, ids)
    },

    async doUpdate(id, patch) {
      const sets: string[] = []
      const params: unknown[] = []
      for (const [field, column] of Object.entries(COLUMNS) as [Field, string][]) {
        const value = patch[field]
        if (value === undefined) continue
        sets.push(`${column} = ?`)
        params.push(value)
      }
      const at = now()
      if (patch.completed !== undefined) {
        const [sql, values] = completion(patch.completed, at)
        sets.push(sql)
        params.push(...values)
      }
      const [task] = await run(`UPDATE ${table} SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING *`, [...params, at, id])
      return task ?? null
    },

    async doCompleteMany(ids, completed) {
      const at = now()
      const [sql, values] = completion(completed, at)
      return run(`UPDATE ${table} SET ${sql}, updated_at = ? WHERE id IN (${marks(ids.length)}) RETURNING *`, [...values, at, ...ids])
    },
  }
}
