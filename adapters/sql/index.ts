import { type Static, Type } from '@sinclair/typebox'
import { sqlActivities } from './activities.ts'
import { sqlAssociations } from './associations.ts'
import { createdSqlTasks } from './created-tasks.ts'
import { openDatabase, secretsOf } from './database.ts'
import { type Tables, migrate, tablesFor } from './migrations.ts'
import { companyTable, contactTable } from './record-tables.ts'
import { sqlRecords } from './records.ts'
import { sqlReferences } from './references.ts'
import { sqlTasks } from './tasks.ts'
import type { AdapterDefinition, AdapterV2 } from '../../src/kit/spec.ts'
import { ConfigError, LinkOptions, type SqlDriver, UserOptions, postgresDriver, sqliteDriver, withCreatedLookup } from '../../src/kit/utils.ts'

/** A table name both dialects take unquoted; the prefix leaves room for what follows it (`_companies_external_id_uq`) in PostgreSQL's 63. */
const TABLE = '^[a-z_][a-z0-9_]{0,62}$'
const PREFIX = '^[a-z_][a-z0-9_]{0,29}$'

const SqlOptions = Type.Object(
  {
    /** SQLite database file; used when `url` is not given. */
    file: Type.String({ minLength: 1, default: '.data/tasks.sqlite' }),
    /** A PostgreSQL connection string (`postgres://user:password@host:5432/db`). */
    url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    /** The tasks table: the name it had before the other kinds of record came, for existing deployments. */
    table: Type.String({ pattern: TABLE, default: 'enginy_tasks' }),
    /** Names the other tables: `<prefix>_contacts`, `_companies`, `_associations`, `_activities`, `_schema_versions`. */
    prefix: Type.String({ pattern: PREFIX, default: 'enginy' }),
    users: UserOptions,
    links: LinkOptions,
  },
  { additionalProperties: false },
)

export type SqlOptions = Static<typeof SqlOptions>

/** The most records of one kind a single statement writes or reads. */
const MAX_BATCH = 500
export interface SqlAdapterSettings {
  readonly connection: string
  readonly tables: Tables
  readonly users?: SqlOptions['users']
  readonly links?: SqlOptions['links']
  /** Credentials no error message may carry. */
  readonly secrets?: readonly string[]
  readonly now?: () => number
}

/**
 * Every kind of record in relational tables, for companies whose "CRM" is their own database:
 * SQLite in a file by default, PostgreSQL when `url` says so. The adapter creates and migrates
 * its tables itself, on first use; they outlive the gateway, and several gateway processes may
 * share them (unique indexes, not this process's locks, keep one record per e-mail or message).
 */
export function createSqlAdapter(driver: SqlDriver, settings: SqlAdapterSettings): AdapterV2 {
  const { tables, users, links } = settings
  const now = settings.now ?? Date.now
  const db = openDatabase(driver, () => migrate(driver, tables, now), settings.connection, settings.secrets ?? [])
  return {
    specificationVersion: 'v2',
    adapter: 'sql',
    tasks: withCreatedLookup(sqlTasks(db, tables.tasks, MAX_BATCH, now), () => createdSqlTasks(db, tables.tasks)),
    contacts: sqlRecords(db, contactTable(tables.contacts), MAX_BATCH, now, links?.contacts),
    companies: sqlRecords(db, companyTable(tables.companies), MAX_BATCH, now, links?.companies),
    associations: sqlAssociations(db, tables, MAX_BATCH, now),
    activities: sqlActivities(db, tables.activities, now),
    ...(users && { users: { doList: async () => users.map((user) => ({ ...user })) } }),
    references: sqlReferences(db, tables, users),
    async doCheck() {
      await db.query(`SELECT id FROM ${tables.tasks} WHERE id = ?`, [''])
    },
    close: () => driver.close(),
  }
}

const definition: AdapterDefinition<typeof SqlOptions> = {
  options: SqlOptions,
  create(options, ctx) {
    const where = `connections.${ctx.connection}`
    if (options.url && options.file !== SqlOptions.properties.file.default) {
      throw new ConfigError(where, 'set either file (SQLite) or url (PostgreSQL), not both')
    }
    // Each open of ":memory:" is a database of its own: a reload that changes the connection, or a
    // stop, would lose every record. The memory adapter keeps them across reloads.
    if (!options.url && options.file === ':memory:') {
      throw new ConfigError(`${where}.file`, '":memory:" would lose every record at a reload or a stop; use a file, or adapter memory')
    }
    const tables = tablesFor(options.prefix, options.table)
    const { tasks, ...others } = tables
    if (Object.values(others).includes(tasks)) throw new ConfigError(where, `table "${tasks}" is one of the tables of prefix "${options.prefix}"`)
    // One pooled connection per call the connection may make at once. A statement gets what a CRM
    // call gets to start answering: with the defaults, connecting and one statement fit in the
    // request's 15 s.
    const pool = { max: ctx.concurrency, connectMs: ctx.timeouts.connectMs, queryMs: ctx.timeouts.headersMs }
    const driver = options.url ? postgresDriver(options.url, pool) : sqliteDriver(options.file)
    return createSqlAdapter(driver, {
      connection: ctx.connection,
      tables,
      users: options.users,
      links: options.links,
      secrets: secretsOf(options.url),
    })
  },
}
export default definition
