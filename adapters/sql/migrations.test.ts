import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { postgresDriver, sqliteDriver } from '../../src/kit/utils.ts'
import { LATEST, migrate, tablesFor } from './migrations.ts'
import { POSTGRES_URL, V1_TASKS_DDL, dropTables, flakyProxy, PROXY_PASSWORD, pgQuery, poolLimits, postgresConnection, tempFile, uniquePrefix } from './testing.ts'

const V1_TASK = { id: 'V1taskV1taskV1taskV1ta', subject: 'from version 1', due_at: 1_705_276_800_000, completed_at: 1_705_300_000_000 }
const V1_INSERT = (table: string) =>
  `INSERT INTO ${table} (id, subject, description, type, owner_id, contact_id, company_id, due_at, completed, completed_at, created_at, updated_at)
   VALUES ('${V1_TASK.id}', '${V1_TASK.subject}', 'kept', 'call', 'o-1', NULL, NULL, ${V1_TASK.due_at}, TRUE, ${V1_TASK.completed_at}, 1, 2)`

const apps: FastifyInstance[] = []
const prefixes: string[] = []
afterAll(async () => {
  for (const app of apps) await app.close()
  for (const prefix of prefixes) await dropTables(prefix)
})
const gateway = async (connection: Record<string, unknown>) => {
  const app = await testApp({ connections: { own: connection } })
  apps.push(app)
  return app
}
const freshPrefix = (what: string) => {
  const prefix = uniquePrefix(what)
  prefixes.push(prefix)
  return prefix
}

/** The task of version 1 as the gateway answers it, then a contact: the new tables exist. */
async function expectMigrated(app: FastifyInstance) {
  const task = await app.inject({ method: 'GET', url: `/tasks/own.${V1_TASK.id}`, headers })
  expect(task.statusCode, task.body).toBe(200)
  expect(task.json()).toMatchObject({
    id: `own.${V1_TASK.id}`,
    subject: V1_TASK.subject,
    description: 'kept',
    type: 'call',
    ownerId: 'own.o-1',
    dueDate: '2024-01-15T00:00:00Z',
    completed: true,
    completedAt: new Date(V1_TASK.completed_at).toISOString().replace('.000Z', 'Z'),
  })
  const contact = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts: [{ externalId: 'L-1', email: 'a@b.io' }] } })
  expect(contact.json()).toMatchObject({ results: [{ externalId: 'L-1' }], errors: [] })
}

describe('migrations of the sql adapter', () => {
  it('migrates a SQLite database of the previous version and keeps its tasks', async () => {
    const file = tempFile()
    const old = new Database(file)
    old.exec(V1_TASKS_DDL('enginy_tasks'))
    old.exec(V1_INSERT('enginy_tasks'))
    old.close()

    await expectMigrated(await gateway({ adapter: 'sql', file }))
    const db = new Database(file, { readonly: true })
    const versions = db.prepare('SELECT table_name, version FROM enginy_schema_versions ORDER BY table_name').all()
    db.close()
    expect(versions).toEqual(
      Object.entries(tablesFor('enginy', 'enginy_tasks'))
        .filter(([kind]) => kind !== 'versions')
        .map(([kind, table]) => ({ table_name: table, version: LATEST[kind as keyof typeof LATEST] }))
        .sort((a, b) => a.table_name.localeCompare(b.table_name)),
    )
  })

  it('migrates a PostgreSQL database of the previous version and keeps its tasks', async () => {
    const prefix = freshPrefix('legacy')
    await pgQuery(V1_TASKS_DDL(`${prefix}_tasks`))
    await pgQuery(V1_INSERT(`${prefix}_tasks`))
    await expectMigrated(await gateway(postgresConnection(prefix)))
    const versions = await pgQuery(`SELECT table_name, version FROM ${prefix}_schema_versions WHERE table_name = $1`, [`${prefix}_tasks`])
    expect(versions).toEqual([{ table_name: `${prefix}_tasks`, version: 1 }])
  })

  it('runs again harmlessly: on a migrated database, and on one whose versions were lost', async () => {
    const file = tempFile()
    const tables = tablesFor('enginy', 'enginy_tasks')
    for (let run = 0; run < 2; run++) {
      const driver = sqliteDriver(file)
      await migrate(driver, tables)
      await migrate(driver, tables)
      // A step cut short before it recorded its version runs again over what it had made.
      await driver.query(`DELETE FROM ${tables.versions}`)
      await driver.close()
    }
    const driver = sqliteDriver(file)
    await migrate(driver, tables)
    expect(await driver.query(`SELECT count(*) AS n FROM ${tables.versions}`)).toEqual([{ n: 5 }])
    await driver.close()
  })

  it('lets gateway processes that start at once on one PostgreSQL migrate one after another', async () => {
    const prefix = freshPrefix('race')
    const tables = tablesFor(prefix, `${prefix}_tasks`)
    const drivers = Array.from({ length: 6 }, () => postgresDriver(POSTGRES_URL, poolLimits(1)))
    try {
      await Promise.all(drivers.map((driver) => migrate(driver, tables)))
    } finally {
      await Promise.all(drivers.map((driver) => driver.close()))
    }
    const rows = await pgQuery<{ n: string }>(`SELECT count(*) AS n FROM ${tables.versions}`)
    expect(rows).toEqual([{ n: '5' }])
  })

  it('retries a migration that failed because PostgreSQL was down, on the next call', async () => {
    const prefix = freshPrefix('retry')
    const proxy = await flakyProxy()
    try {
      const app = await gateway(postgresConnection(prefix, proxy.url))
      const contacts = { contacts: [{ externalId: 'L-1', email: 'down@acme.io' }] }
      for (const [url, payload] of [
        ['/contacts', contacts],
        ['/tasks', { subject: 'while down' }],
      ] as const) {
        const down = await app.inject({ method: 'POST', url, headers, payload })
        expect(down.statusCode, down.body).toBe(502)
        expect(down.json().code).toBe('UPSTREAM_UNAVAILABLE')
        expect(down.body).not.toContain(PROXY_PASSWORD)
      }

      proxy.heal()
      const up = await app.inject({ method: 'POST', url: '/contacts', headers, payload: contacts })
      expect(up.statusCode, up.body).toBe(200)
      expect(up.json()).toMatchObject({ results: [{ externalId: 'L-1', crmId: expect.stringMatching(/^own\./) }], errors: [] })
      const task = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'once up' } })
      expect(task.statusCode, task.body).toBe(201)
    } finally {
      await proxy.close()
    }
  })

  it('answers 502 without the password when the database never answers', async () => {
    const app = await gateway({ adapter: 'sql', url: 'postgres://enginy:s3cret%2Fpw@127.0.0.1:9/none' })
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'x' } })
    expect(res.statusCode).toBe(502)
    expect(res.json().code).toBe('UPSTREAM_UNAVAILABLE')
    expect(res.body).not.toMatch(/s3cret/)
  })
})
