import type { Change, Lookup } from '../kit/spec.ts'
import { chunks } from '../tools/chunks.ts'
import { runMigrations } from '../storage/migrate.ts'
import type { Query, Row, SqlDriver } from '../storage/sql-driver.ts'
import { indexKeys } from './keys.ts'
import { MIRROR_STEPS, TABLES } from './sql-schema.ts'
import type { Held, Mirrored, MirrorKind, MirrorStore, SweepState } from './store.ts'

/** Ids or keys in one statement: far below both databases' limits on parameters. */
const PER_STATEMENT = 500
const T = TABLES
const marks = (count: number) => Array.from({ length: count }, () => '?').join(', ')

/**
 * A mirror in SQLite (a file) or PostgreSQL (`postgres://…`, shared by replicas), through the
 * drivers and the migration runner the `sql` adapter uses. Tables migrate on first use. Writes
 * run as transactions under the database's lock, one at a time: a record's row and its keys change
 * together, and two replicas applying reports of one record cannot both read it as older.
 */
export class SqlMirrorStore implements MirrorStore {
  private ready: Promise<void> | undefined
  private turn: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly driver: SqlDriver,
    private readonly connection: string,
    private readonly now: () => number = Date.now,
  ) {}

  async apply(kind: MirrorKind, changes: readonly Change<Mirrored>[]): Promise<void> {
    for (const part of chunks(changes, PER_STATEMENT)) {
      await this.write(async (query) => {
        const ids = part.map((change) => ('record' in change ? change.record.id : change.deleted))
        const held = new Map(
          (await query(`SELECT id, modified_at FROM ${T.records} WHERE connection = ? AND kind = ? AND id IN (${marks(ids.length)})`, [this.connection, kind, ...ids])).map(
            (row) => [String(row.id), Number(row.modified_at)],
          ),
        )
        for (const change of part) {
          const id = 'record' in change ? change.record.id : change.deleted
          if ((held.get(id) ?? Number.NEGATIVE_INFINITY) > change.modifiedAt) continue
          held.set(id, change.modifiedAt)
          await query(`DELETE FROM ${T.keys} WHERE connection = ? AND kind = ? AND id = ?`, [this.connection, kind, id])
          const body = 'record' in change ? JSON.stringify(change.record) : null
          await query(
            `INSERT INTO ${T.records} (connection, kind, id, modified_at, body) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (connection, kind, id) DO UPDATE SET modified_at = excluded.modified_at, body = excluded.body`,
            [this.connection, kind, id, change.modifiedAt, body],
          )
          if ('record' in change) {
            for (const { by, key } of indexKeys(kind, change.record)) {
              await query(`INSERT INTO ${T.keys} (connection, kind, lookup, key, id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, [this.connection, kind, by, key, id])
            }
          }
        }
      })
    }
  }

  async forget(kind: MirrorKind, ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids, PER_STATEMENT)) {
      await this.write(async (query) => {
        for (const table of [T.keys, T.records]) {
          await query(`DELETE FROM ${table} WHERE connection = ? AND kind = ? AND id IN (${marks(part.length)})`, [this.connection, kind, ...part])
        }
      })
    }
  }

  async read(kind: MirrorKind, ids: readonly string[]): Promise<Held<Mirrored>> {
    const held: Held<Mirrored> = { found: new Map(), gone: new Set() }
    for (const part of chunks([...new Set(ids)], PER_STATEMENT)) {
      const rows = await this.query(`SELECT id, body FROM ${T.records} WHERE connection = ? AND kind = ? AND id IN (${marks(part.length)})`, [this.connection, kind, ...part])
      for (const row of rows) {
        if (row.body === null || row.body === undefined) held.gone.add(String(row.id))
        else held.found.set(String(row.id), JSON.parse(String(row.body)) as Mirrored)
      }
    }
    return held
  }

  async find(kind: MirrorKind, by: Lookup, keys: readonly string[]): Promise<Mirrored[]> {
    const found = new Map<string, Mirrored>()
    for (const part of chunks([...new Set(keys)], PER_STATEMENT)) {
      const rows = await this.query(
        `SELECT r.id, r.body FROM ${T.keys} k JOIN ${T.records} r ON r.connection = k.connection AND r.kind = k.kind AND r.id = k.id
         WHERE k.connection = ? AND k.kind = ? AND k.lookup = ? AND k.key IN (${marks(part.length)}) AND r.body IS NOT NULL`,
        [this.connection, kind, by, ...part],
      )
      for (const row of rows) found.set(String(row.id), JSON.parse(String(row.body)) as Mirrored)
    }
    return [...found.values()]
  }

  async state(kind: MirrorKind): Promise<SweepState> {
    const [row] = await this.query(`SELECT watermark, swept_at, built_at, heard_at FROM ${T.state} WHERE connection = ? AND kind = ?`, [this.connection, kind])
    if (!row) return {}
    const at = (value: unknown) => (value === null || value === undefined ? undefined : Number(value))
    return dropUndefined({ watermark: at(row.watermark), sweptAt: at(row.swept_at), builtAt: at(row.built_at), heardAt: at(row.heard_at) })
  }

  async saveState(kind: MirrorKind, state: SweepState): Promise<void> {
    const columns = { watermark: state.watermark, swept_at: state.sweptAt, built_at: state.builtAt, heard_at: state.heardAt }
    const given = Object.entries(columns).filter(([, value]) => value !== undefined)
    if (given.length === 0) return
    await this.write((query) =>
      query(
        `INSERT INTO ${T.state} (connection, kind, ${given.map(([name]) => name).join(', ')}) VALUES (?, ?, ${marks(given.length)})
         ON CONFLICT (connection, kind) DO UPDATE SET ${given.map(([name]) => `${name} = excluded.${name}`).join(', ')}`,
        [this.connection, kind, ...given.map(([, value]) => value)],
      ),
    )
  }

  async clear(): Promise<void> {
    await this.write(async (query) => {
      for (const table of [T.keys, T.records, T.state]) await query(`DELETE FROM ${table} WHERE connection = ?`, [this.connection])
    })
  }

  async lease(owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now()
    return this.write(async (query) => {
      await query(`INSERT INTO ${T.leases} (connection, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT (connection) DO NOTHING`, [this.connection, owner, now + ttlMs])
      await query(`UPDATE ${T.leases} SET owner = ?, expires_at = ? WHERE connection = ? AND (owner = ? OR expires_at < ?)`, [owner, now + ttlMs, this.connection, owner, now])
      const [row] = await query(`SELECT owner FROM ${T.leases} WHERE connection = ?`, [this.connection])
      return row?.owner === owner
    })
  }

  async release(owner: string): Promise<void> {
    await this.write((query) => query(`DELETE FROM ${T.leases} WHERE connection = ? AND owner = ?`, [this.connection, owner]))
  }

  close(): Promise<void> {
    return this.driver.close()
  }

  private async query(sql: string, params: readonly unknown[]): Promise<Row[]> {
    await this.migrated()
    return this.driver.query(sql, params)
  }

  /** One transaction at a time from this process: SQLite's single connection cannot nest them. */
  private write<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const run = this.turn.then(async () => {
      await this.migrated()
      return this.driver.exclusive(work)
    })
    this.turn = run.catch(() => {})
    return run
  }

  /** Migrated on first use; a migration that failed (the database was down) is tried again. */
  private migrated(): Promise<void> {
    this.ready ??= runMigrations(this.driver, T.versions, MIRROR_STEPS, this.now).catch((error: unknown) => {
      this.ready = undefined
      throw error
    })
    return this.ready
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
