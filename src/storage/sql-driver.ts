import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { parseObject } from './json-object.ts'

/** A row as the database returns it; SQLite gives 0/1 for booleans, PostgreSQL strings for BIGINT. */
export type Row = Record<string, unknown>

/** Runs one statement with `?` placeholders and answers its rows. */
export type Query = (sql: string, params?: readonly unknown[]) => Promise<Row[]>

/**
 * The little the gateway needs of a database (the `sql` adapter's tables, the mirror's): run one
 * statement with `?` placeholders and get its rows back, and run a few statements as one
 * transaction that no other gateway process runs at the same time. SQLite (embedded, a file) and
 * PostgreSQL (a server) each implement it.
 */
export interface SqlDriver {
  query: Query
  /** Runs `work` in a transaction that holds the database's migration lock, on one connection. */
  exclusive<T>(work: (query: Query) => Promise<T>): Promise<T>
  /**
   * SQL for the JSON object in `column` with the keys of the object in one `?` parameter set over
   * it: a shallow merge, done by the UPDATE itself, so two updates at once cannot lose a key.
   */
  mergeObject(column: string): string
  /** Closes the database or the pool; the driver is not used after. */
  close(): Promise<void>
}

/** How long a SQLite statement waits for another connection's write to finish. */
const SQLITE_BUSY_WAIT_MS = 5000

/** A driver over one SQLite file (`:memory:` for one in memory), through better-sqlite3. */
export function sqliteDriver(file: string): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file, { timeout: SQLITE_BUSY_WAIT_MS })
  // WAL lets readers go on while one write commits; a crash loses no committed record.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  // better-sqlite3 waits for a lock by blocking the thread: a second connection of this same
  // process (a reloaded config, a second gateway in a test) would then keep the holder from ever
  // finishing. Past the start, statements do not wait so, and `query` waits asynchronously.
  db.pragma('busy_timeout = 0')
  // Exactly `{ ...old, ...new }`, as the memory adapter merges; SQLite's own json_patch would
  // merge nested objects too and drop their null members.
  db.function('enginy_merge_object', { deterministic: true }, (old: unknown, patch: unknown) =>
    JSON.stringify({ ...parseObject(old), ...parseObject(patch) }),
  )

  const once = (sql: string, params: readonly unknown[]): Row[] => {
    const statement = db.prepare(sql)
    const values = params.map((value) => (typeof value === 'boolean' ? Number(value) : value))
    if (statement.reader) return statement.all(...values) as Row[]
    statement.run(...values)
    return []
  }
  const query: Query = async (sql, params = []) => {
    const until = Date.now() + SQLITE_BUSY_WAIT_MS
    for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
      try {
        return once(sql, params)
      } catch (error) {
        const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY') === true
        // Inside a transaction the statement holds the write lock already; a busy error there
        // (or past the wait) is the caller's to handle.
        if (!busy || db.inTransaction || Date.now() > until) throw error
        await new Promise((resolve) => setTimeout(resolve, pause))
      }
    }
  }

  return {
    query,
    mergeObject: (column) => `enginy_merge_object(${column}, ?)`,
    async exclusive(work) {
      // IMMEDIATE takes the write lock at once: of two processes migrating one file, the second
      // waits here and then sees what the first did, instead of failing halfway through.
      await query('BEGIN IMMEDIATE')
      try {
        const result = await work(query)
        once('COMMIT', [])
        return result
      } catch (error) {
        if (db.inTransaction) once('ROLLBACK', [])
        throw error
      }
    },
    async close() {
      db.close()
    },
  }
}

/** One key for every gateway's migrations in a database: they are short, so taking turns costs
 * nothing, and two prefixes that share a tasks table cannot race on its CREATE TABLE. */
const MIGRATION_LOCK = '7316051590442614305'

/** How many connections a PostgreSQL pool opens, and how long it waits for the database. */
export interface PoolLimits {
  /** Connections at once: the connection's `concurrency`. */
  readonly max: number
  /** Opening a connection, or waiting for a free one of the pool. */
  readonly connectMs: number
  /** One statement, from when it is sent until its whole answer. */
  readonly queryMs: number
}

/** A driver over a PostgreSQL pool at `url`, bounded by `limits`. */
export function postgresDriver(url: string, limits: PoolLimits): SqlDriver {
  // Both timers are the client's own: a database that accepts connections but never answers (a
  // stalled host, a full backlog) would otherwise hold a call forever. `statement_timeout` would
  // also stop the statement in the database, but as a startup parameter PgBouncer refuses it.
  const pool = new pg.Pool({
    connectionString: url,
    max: limits.max,
    connectionTimeoutMillis: limits.connectMs,
    query_timeout: limits.queryMs,
  })
  // An idle client that loses its server emits here; without a listener it would end the process.
  pool.on('error', () => {})
  const numbered = (sql: string) => {
    let n = 0
    return sql.replace(/\?/g, () => `$${++n}`)
  }
  const on =
    (client: pg.Pool | pg.PoolClient): Query =>
    async (sql, params = []) =>
      (await client.query(numbered(sql), params as unknown[])).rows as Row[]

  return {
    query: on(pool),
    // jsonb's || is the same shallow merge; the column stays text, as on SQLite.
    mergeObject: (column) => `(COALESCE(${column}, '{}')::jsonb || ?::jsonb)::text`,
    async exclusive(work) {
      const client = await pool.connect()
      let broken = false
      try {
        const query = on(client)
        await query('BEGIN')
        // Held until COMMIT: several gateways starting at once migrate one after another.
        await query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
        const result = await work(query)
        await query('COMMIT')
        return result
      } catch (error) {
        broken = true
        throw error
      } finally {
        // A client whose transaction failed may have lost its server: it is closed, and the
        // database rolls its transaction back. A ROLLBACK first would wait a second timeout on a
        // database that stopped answering.
        client.release(broken)
      }
    },
    async close() {
      await pool.end()
    },
  }
}
