import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { describeAdapterConformance } from '../../test/conformance/suite.ts'
import { headers, testApp } from '../../test/helpers/app.ts'

/** PostgreSQL runs on this machine kind (`.ci/run` starts it when it is not running). */
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'gateway-sql-')), 'tasks.sqlite')

describeAdapterConformance('sql on SQLite', async () => ({
  connection: { adapter: 'sql', file: tempFile() },
  missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
  close: async () => {},
}))

const table = `conformance_${process.pid}_${Date.now()}`
describeAdapterConformance('sql on PostgreSQL', async () => ({
  connection: { adapter: 'sql', url: POSTGRES_URL, table },
  missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
  close: async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    await client.query(`DROP TABLE IF EXISTS ${table}`)
    await client.end()
  },
}))

describe('sql adapter', () => {
  const file = tempFile()
  const apps: Awaited<ReturnType<typeof testApp>>[] = []
  afterAll(async () => {
    for (const app of apps) await app.close()
  })
  const gateway = async () => {
    const app = await testApp({ connections: { own: { adapter: 'sql', file } } })
    apps.push(app)
    return app
  }

  it('keeps tasks across a restart of the gateway, unlike memory', async () => {
    const first = await gateway()
    const created = (await first.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'survives', dueDate: '2024-01-15' } })).json()
    const done = (await first.inject({ method: 'PATCH', url: `/tasks/${created.id}`, headers, payload: { completed: true } })).json()
    await first.close()

    const second = await gateway()
    const read = await second.inject({ method: 'GET', url: `/tasks/${created.id}`, headers })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toEqual(done)
  })

  it('refuses both a file and a url', async () => {
    await expect(testApp({ connections: { own: { adapter: 'sql', file: 'a.sqlite', url: POSTGRES_URL } } })).rejects.toThrow(
      'config: connections.own: set either file (SQLite) or url (PostgreSQL), not both',
    )
  })

  it('answers 502 without the password when the database is unreachable', async () => {
    const app = await testApp({ connections: { own: { adapter: 'sql', url: 'postgres://enginy:s3cret-pw@127.0.0.1:9/none' } } })
    apps.push(app)
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'x' } })
    expect(res.statusCode).toBe(502)
    expect(res.json().code).toBe('UPSTREAM_UNAVAILABLE')
    expect(res.body).not.toContain('s3cret-pw')
  })
})
