import { type SqlDriver, runMigrations } from '../../src/kit/utils.ts'

/** The adapter's tables: the tasks table keeps the name deployments gave it, the others follow `prefix`. */
export interface Tables {
  readonly tasks: string
  readonly contacts: string
  readonly companies: string
  readonly associations: string
  readonly activities: string
  /** Which version each of the tables above is at. */
  readonly versions: string
}

export function tablesFor(prefix: string, tasks: string): Tables {
  return {
    tasks,
    contacts: `${prefix}_contacts`,
    companies: `${prefix}_companies`,
    associations: `${prefix}_associations`,
    activities: `${prefix}_activities`,
    versions: `${prefix}_schema_versions`,
  }
}

interface Step {
  readonly table: Exclude<keyof Tables, 'versions'>
  readonly version: number
  /** Statements that may run again on a database where they ran already (a step cut short, a
   * database of a version that never recorded it). */
  readonly sql: (t: Tables) => readonly string[]
}

/**
 * Every change to the schema, oldest first, never edited once released: a database at any version
 * reaches the latest by running the steps it lacks. Versions are kept per table, because the
 * tasks table has a name of its own: two connections may share a prefix and not a tasks table.
 * The statements are written out rather than derived from the mapping, so a later mapping cannot
 * change what an old step did. Only SQL both dialects read alike is used.
 */
const STEPS: readonly Step[] = [
  {
    // The table of the first version of this adapter, exactly: a database it created is at
    // version 1 of tasks already, and this step finds it there.
    table: 'tasks',
    version: 1,
    sql: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.tasks} (
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
      )`,
    ],
  },
  {
    table: 'contacts',
    version: 1,
    sql: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.contacts} (
        id TEXT PRIMARY KEY,
        external_id TEXT,
        email TEXT,
        first_name TEXT,
        last_name TEXT,
        phone TEXT,
        company TEXT,
        title TEXT,
        linkedin_url TEXT,
        owner_id TEXT,
        extra TEXT NOT NULL DEFAULT '{}',
        external_id_key TEXT,
        email_key TEXT,
        linkedin_key TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      // What makes "never a duplicate" hold across gateway processes: the second create of one
      // e-mail conflicts here and is answered with the first.
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t.contacts}_external_id_uq ON ${t.contacts} (external_id_key) WHERE external_id_key IS NOT NULL`,
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t.contacts}_email_uq ON ${t.contacts} (email_key) WHERE email_key IS NOT NULL`,
      `CREATE INDEX IF NOT EXISTS ${t.contacts}_linkedin_ix ON ${t.contacts} (linkedin_key)`,
    ],
  },
  {
    table: 'companies',
    version: 1,
    sql: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.companies} (
        id TEXT PRIMARY KEY,
        external_id TEXT,
        name TEXT,
        domain TEXT,
        industry TEXT,
        employees DOUBLE PRECISION,
        linkedin_url TEXT,
        owner_id TEXT,
        extra TEXT NOT NULL DEFAULT '{}',
        external_id_key TEXT,
        domain_key TEXT,
        linkedin_key TEXT,
        name_key TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t.companies}_external_id_uq ON ${t.companies} (external_id_key) WHERE external_id_key IS NOT NULL`,
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t.companies}_domain_uq ON ${t.companies} (domain_key) WHERE domain_key IS NOT NULL`,
      `CREATE INDEX IF NOT EXISTS ${t.companies}_linkedin_ix ON ${t.companies} (linkedin_key)`,
      `CREATE INDEX IF NOT EXISTS ${t.companies}_name_ix ON ${t.companies} (name_key)`,
    ],
  },
  {
    table: 'associations',
    version: 1,
    sql: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.associations} (
        contact_id TEXT NOT NULL,
        company_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (contact_id, company_id)
      )`,
    ],
  },
  {
    table: 'activities',
    version: 1,
    sql: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.activities} (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        direction TEXT,
        subject TEXT,
        body TEXT,
        owner_id TEXT,
        occurred_at BIGINT NOT NULL,
        contact_id TEXT,
        company_id TEXT,
        message_id TEXT,
        metadata TEXT,
        created_at BIGINT NOT NULL
      )`,
      // One message is one activity, whichever gateway process logged it first.
      `CREATE UNIQUE INDEX IF NOT EXISTS ${t.activities}_message_uq ON ${t.activities} (message_id) WHERE message_id IS NOT NULL`,
    ],
  },
]

/** The newest version of each table this code knows. */
export const LATEST: Readonly<Record<Step['table'], number>> = Object.fromEntries(STEPS.map((step) => [step.table, step.version])) as Record<
  Step['table'],
  number
>

/**
 * Brings the tables to the latest version (the kit's migration runner: one transaction under the
 * database's migration lock; a table newer than this code knows is left as it is).
 */
export async function migrate(driver: SqlDriver, tables: Tables, now: () => number = Date.now): Promise<void> {
  await runMigrations(driver, tables.versions, STEPS.map((step) => ({ table: tables[step.table], version: step.version, sql: step.sql(tables) })), now)
}
