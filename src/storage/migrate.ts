import type { SqlDriver } from './sql-driver.ts'

/** One change to a table, never edited once released. */
export interface MigrationStep {
  /** The table it changes, as named in the database. */
  readonly table: string
  readonly version: number
  /** Statements that may run again on a database where they ran already (a step cut short, a
   * database of a version that never recorded it). */
  readonly sql: readonly string[]
}

/**
 * Brings tables to the latest version, in one transaction under the database's migration lock:
 * of several gateway processes starting at once, one migrates and the others then find nothing
 * left to do. `versions` is the table that keeps each table's version. `steps` come oldest first;
 * a table at a newer version than they know is left as it is (steps only add), so an older
 * gateway still runs beside a newer one during a rolling deploy.
 */
export async function runMigrations(driver: SqlDriver, versions: string, steps: readonly MigrationStep[], now: () => number = Date.now): Promise<void> {
  await driver.exclusive(async (query) => {
    await query(`CREATE TABLE IF NOT EXISTS ${versions} (
      table_name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      migrated_at BIGINT NOT NULL
    )`)
    const rows = await query(`SELECT table_name, version FROM ${versions}`)
    const at = new Map(rows.map((row) => [String(row.table_name), Number(row.version)]))
    for (const step of steps) {
      if ((at.get(step.table) ?? 0) >= step.version) continue
      for (const sql of step.sql) await query(sql)
      await query(
        `INSERT INTO ${versions} (table_name, version, migrated_at) VALUES (?, ?, ?)
         ON CONFLICT (table_name) DO UPDATE SET version = excluded.version, migrated_at = excluded.migrated_at`,
        [step.table, step.version, now()],
      )
      at.set(step.table, step.version)
    }
  })
}
