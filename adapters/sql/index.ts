import { Type } from '@sinclair/typebox'
import { type SqlDriver, postgresDriver, sqliteDriver } from './drivers.ts'
import { COLUMNS, createTableSql, fromRow } from './mapping.ts'
import { type AdapterDefinition, type NativeTask, type NativeTaskPatch, type TaskAdapterV1, ConfigError, GatewayError, UpstreamUnavailableError, isRandomId, randomId } from '../../src/kit/adapter-kit.ts'

const SqlOptions = Type.Object(
  {
    /** SQLite database file; used when `url` is not given. */
    file: Type.String({ minLength: 1, default: '.data/tasks.sqlite' }),
    /** A PostgreSQL connection string (`postgres://user:password@host:5432/db`). */
    url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    table: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'enginy_tasks' }),
  },
  { additionalProperties: false },
)

const MAX_BATCH = 500

/**
 * Tasks in a relational table, for companies whose "CRM" is their own database: SQLite in a file
 * by default, PostgreSQL when `url` says so. Written with the adapter kit only; it passes the
 * same conformance suite as the CRM adapters, and its table outlives the gateway.
 */
export function createSqlAdapter(driver: SqlDriver, table: string, connection: string, now: () => number = Date.now): TaskAdapterV1 {
  const ready = driver.query(createTableSql(table))
  // A failed CREATE TABLE is reported by the first call that awaits it, not as an unhandled rejection.
  ready.catch(() => {})

  const run = async (sql: string, params: readonly unknown[]): Promise<NativeTask[]> => {
    try {
      await ready
      return (await driver.query(sql, params)).map(fromRow)
    } catch (error) {
      if (error instanceof GatewayError) throw error
      const { code, message } = error as { code?: string; message?: string }
      throw new UpstreamUnavailableError(
        `the database of connection "${connection}" failed: ${code ?? ''} ${String(message ?? '').slice(0, 200)}`.trim(),
      )
    }
  }
  const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ')

  /** SET clauses for a completion; every SET sees the row as it was, so completing twice keeps the first time. */
  const completion = (completed: boolean, at: number): [string, unknown[]] =>
    completed
      ? ['completed_at = CASE WHEN completed THEN completed_at ELSE ? END, completed = TRUE', [at]]
      : ['completed = FALSE, completed_at = NULL', []]

  return {
    specificationVersion: 'v1',
    adapter: 'sql',
    capabilities: { maxBatchRead: MAX_BATCH, maxBatchUpdate: MAX_BATCH },
    isNativeId: isRandomId,

    async doCreate(input) {
      const at = now()
      const columns = Object.entries(COLUMNS)
      const values = columns.map(([field]) => input[field as keyof typeof COLUMNS] ?? null)
      const [task] = await run(
        `INSERT INTO ${table} (id, ${columns.map(([, c]) => c).join(', ')}, completed, created_at, updated_at)
         VALUES (${placeholders(columns.length + 4)}) RETURNING *`,
        [randomId(), ...values, false, at, at],
      )
      return task!
    },

    async doGetMany(ids) {
      return run(`SELECT * FROM ${table} WHERE id IN (${placeholders(ids.length)})`, ids)
    },

    async doUpdate(id, patch: NativeTaskPatch) {
      const sets: string[] = []
      const params: unknown[] = []
      for (const [field, column] of Object.entries(COLUMNS)) {
        const value = patch[field as keyof typeof COLUMNS]
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
      const [task] = await run(`UPDATE ${table} SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING *`, [
        ...params,
        at,
        id,
      ])
      return task ?? null
    },

    async doCompleteMany(ids, completed) {
      const at = now()
      const [sql, values] = completion(completed, at)
      return run(`UPDATE ${table} SET ${sql}, updated_at = ? WHERE id IN (${placeholders(ids.length)}) RETURNING *`, [
        ...values,
        at,
        ...ids,
      ])
    },

    async doCheck() {
      await run(`SELECT * FROM ${table} WHERE id = ?`, [''])
    },

    close: () => driver.close(),
  }
}

const definition: AdapterDefinition<typeof SqlOptions> = {
  options: SqlOptions,
  create(options, ctx) {
    if (options.url && options.file !== SqlOptions.properties.file.default) {
      throw new ConfigError(`connections.${ctx.connection}`, 'set either file (SQLite) or url (PostgreSQL), not both')
    }
    const driver = options.url ? postgresDriver(options.url, 8) : sqliteDriver(options.file)
    return createSqlAdapter(driver, options.table, ctx.connection)
  },
}
export default definition
