import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'

/** A row as the database returns it; SQLite gives 0/1 for booleans, PostgreSQL strings for BIGINT. */
export type Row = Record<string, unknown>

/**
 * The little the adapter needs of a database: run one statement with `?` placeholders and get
 * its rows back. SQLite (embedded, a file) and PostgreSQL (a server) each implement it.
 */
export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres'
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>
  close(): Promise<void>
}

export function sqliteDriver(file: string): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  // WAL lets readers go on while one write commits; a crash loses no committed task.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  return {
    dialect: 'sqlite',
    async query(sql, params = []) {
      const statement = db.prepare(sql)
      const values = params.map((value) => (typeof value === 'boolean' ? Number(value) : value))
      if (statement.reader) return statement.all(...values) as Row[]
      statement.run(...values)
      return []
    },
    async close() {
      db.close()
    },
  }
}

export function postgresDriver(url: string, max: number): SqlDriver {
  const pool = new pg.Pool({ connectionString: url, max })
  // An idle client that loses its server emits here; without a listener it would end the process.
  pool.on('error', () => {})
  return {
    dialect: 'postgres',
    async query(sql, params = []) {
      let n = 0
      const numbered = sql.replace(/\?/g, () => `$${++n}`)
      const result = await pool.query(numbered, params as unknown[])
      return result.rows as Row[]
    },
    async close() {
      await pool.end()
    },
  }
}
