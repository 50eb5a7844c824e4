import type { MigrationStep } from '../storage/migrate.ts'

/** The mirror's tables, apart from the `sql` adapter's: every connection's rows, keyed by its name. */
export const TABLES = {
  records: 'enginy_mirror_records',
  keys: 'enginy_mirror_keys',
  state: 'enginy_mirror_state',
  leases: 'enginy_mirror_leases',
  versions: 'enginy_mirror_schema_versions',
} as const

/** Every change to the mirror's tables, oldest first, never edited once released. */
export const MIRROR_STEPS: readonly MigrationStep[] = [
  {
    table: TABLES.records,
    version: 1,
    sql: [
      // `body` NULL: a tombstone, kept with its moment so that a late report does not revive it.
      `CREATE TABLE IF NOT EXISTS ${TABLES.records} (
        connection TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        modified_at BIGINT NOT NULL,
        body TEXT,
        PRIMARY KEY (connection, kind, id)
      )`,
    ],
  },
  {
    table: TABLES.keys,
    version: 1,
    sql: [
      `CREATE TABLE IF NOT EXISTS ${TABLES.keys} (
        connection TEXT NOT NULL,
        kind TEXT NOT NULL,
        lookup TEXT NOT NULL,
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (connection, kind, lookup, key, id)
      )`,
      `CREATE INDEX IF NOT EXISTS ${TABLES.keys}_id_ix ON ${TABLES.keys} (connection, kind, id)`,
    ],
  },
  {
    table: TABLES.state,
    version: 1,
    sql: [
      `CREATE TABLE IF NOT EXISTS ${TABLES.state} (
        connection TEXT NOT NULL,
        kind TEXT NOT NULL,
        watermark BIGINT,
        swept_at BIGINT,
        built_at BIGINT,
        heard_at BIGINT,
        PRIMARY KEY (connection, kind)
      )`,
    ],
  },
  {
    table: TABLES.leases,
    version: 1,
    sql: [
      `CREATE TABLE IF NOT EXISTS ${TABLES.leases} (
        connection TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
    ],
  },
]
