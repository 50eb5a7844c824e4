import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { dropTables, pgQuery, postgresConnection, tempFile, uniquePrefix } from './testing.ts'

const prefix = uniquePrefix('twice')
const file = tempFile()

/** How many rows of `table` match `where`, read outside the gateways. */
type Count = (table: 'contacts' | 'activities', where: string, value: string) => Promise<number>

const targets: [string, Record<string, unknown>, Count, () => Promise<void>][] = [
  [
    'PostgreSQL',
    postgresConnection(prefix),
    async (table, where, value) => Number((await pgQuery<{ n: string }>(`SELECT count(*) AS n FROM ${prefix}_${table} WHERE ${where} = $1`, [value]))[0]!.n),
    () => dropTables(prefix),
  ],
  [
    'one SQLite file',
    { adapter: 'sql', file },
    async (table, where, value) => {
      const db = new Database(file, { readonly: true })
      try {
        return (db.prepare(`SELECT count(*) AS n FROM enginy_${table} WHERE ${where} = ?`).get(value) as { n: number }).n
      } finally {
        db.close()
      }
    },
    async () => {},
  ],
]

/**
 * Two gateway processes on one database: each serializes its own requests for one e-mail or one
 * message, but nothing of one process stops the other. Only the database's unique indexes do.
 */
describe.each(targets)('two gateways on %s', (_name, connection, count, cleanUp) => {
  let gateways: FastifyInstance[] = []
  beforeAll(async () => {
    gateways = await Promise.all([testApp({ connections: { own: connection } }), testApp({ connections: { own: connection } })])
    // Both start on tables that do not exist yet, so their first calls migrate at the same time.
    // Done before the races below: else the migration's lock would make the second gateway's first
    // create wait until the first gateway's was done, and they would never meet.
    for (const res of await Promise.all(
      gateways.map((app) => app.inject({ method: 'POST', url: '/contacts/sync', headers, payload: { contacts: [{ externalId: 'W', email: 'warm@up.io' }] } })),
    )) {
      expect(res.statusCode, res.body).toBe(200)
    }
  })
  afterAll(async () => {
    for (const app of gateways) await app.close()
    await cleanUp()
  })
  const fifty = (payload: (i: number) => object, url: string) =>
    Promise.all(Array.from({ length: 50 }, (_, i) => gateways[i % 2]!.inject({ method: 'POST', url, headers, payload: payload(i) })))

  it('50 exports of one e-mail at once make one contact, and every answer names it', async () => {
    const answers = await fifty(
      (i) => ({ contacts: [{ externalId: `L-${i}`, email: i % 3 === 0 ? ' Race@Example.com ' : 'race@example.com', firstName: `n${i}` }] }),
      '/contacts',
    )
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().errors).toEqual([])
    }
    const crmIds = new Set(answers.map((res) => res.json().results[0].crmId as string))
    expect(crmIds.size, [...crmIds].join(', ')).toBe(1)
    expect(await count('contacts', 'email_key', 'race@example.com')).toBe(1)
  })

  it('50 logs of one message at once make one activity, and every answer names it', async () => {
    const answers = await fifty(() => ({ type: 'EMAIL', subject: 'once', metadata: { messageId: 'm-race' } }), '/activities')
    for (const res of answers) expect([200, 201], res.body).toContain(res.statusCode)
    const ids = new Set(answers.map((res) => res.json().id as string))
    expect(ids.size, [...ids].join(', ')).toBe(1)
    expect(await count('activities', 'message_id', 'm-race')).toBe(1)
  })
})
