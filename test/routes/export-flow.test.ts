import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEY, testApp } from '../helpers/app.ts'

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const prefix = `flow_${process.pid}_${Date.now()}`

const targets: [string, Record<string, unknown>, () => Promise<void>][] = [
  ['memory', { adapter: 'memory' }, async () => {}],
  ['sql on SQLite', { adapter: 'sql', file: join(mkdtempSync(join(tmpdir(), 'gateway-flow-')), 'crm.sqlite') }, async () => {}],
  [
    'sql on PostgreSQL',
    { adapter: 'sql', url: POSTGRES_URL, table: `${prefix}_tasks`, prefix },
    async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      const { rows } = await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE tablename LIKE $1', [`${prefix}%`])
      for (const { tablename } of rows) await client.query(`DROP TABLE IF EXISTS ${tablename} CASCADE`)
      await client.end()
    },
  ],
]

/**
 * What Enginy does when a customer connects, in order, over a real socket: check the key, export
 * companies then contacts, sync, push engagement, link them, create and complete a task on the
 * contact, and log the campaign's messages.
 */
describe.each(targets)('the whole interface over a real socket, on %s', (_name, connection, cleanUp) => {
  let app: FastifyInstance
  let base: string
  beforeAll(async () => {
    app = await testApp({ connections: { crm: connection } })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await app?.close()
    await cleanUp()
  })

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${base}${path}`, {
      method: method as 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    // biome-ignore lint/suspicious/noExplicitAny: the answers are checked field by field below
    return { status: res.statusCode, body: (await res.body.json()) as any }
  }

  it('connects, exports, syncs, updates, links, and logs tasks and activities', async () => {
    expect(await call('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } })

    const companies = await call('POST', '/companies', { companies: [{ externalId: 'C-9', name: 'Globex', domain: 'https://www.globex.com' }] })
    expect(companies.status).toBe(200)
    const company = companies.body.results[0].crmId as string

    const contacts = await call('POST', '/contacts', {
      contacts: [
        { externalId: 'L-7', email: 'Li.Wei@Globex.com', firstName: 'Li', lastName: 'Wei', company: 'Globex' },
        { externalId: 'L-8', email: 'ana@globex.com', linkedinUrl: 'https://linkedin.com/in/ana' },
      ],
    })
    expect(contacts.body.errors).toEqual([])
    const [li, ana] = contacts.body.results.map((r: { crmId: string }) => r.crmId) as [string, string]

    const synced = await call('POST', '/contacts/sync', {
      contacts: [
        { externalId: 'L-7', email: ' li.wei@globex.com ' },
        { externalId: 'L-8', linkedinUrl: 'www.linkedin.com/in/ana/' },
        { externalId: 'L-9', email: 'new@globex.com' },
      ],
    })
    expect(synced.body.results.map((r: { externalId: string; crmId: string }) => [r.externalId, r.crmId])).toEqual([
      ['L-7', li],
      ['L-8', ana],
    ])
    const companySync = await call('POST', '/companies/sync', { companies: [{ externalId: 'C-9', domain: 'globex.com/about' }] })
    expect(companySync.body.results[0].crmId).toBe(company)

    const updated = await call('PUT', '/contacts', {
      contacts: [{ crmId: li, campaignSequenceStatus: 'Replied', campaignOpens: 5 }],
    })
    expect(updated.body.results).toEqual([{ crmId: li, success: true }])
    expect((await call('PUT', '/companies', { companies: [{ crmId: company, industry: 'Energy' }] })).body.results).toEqual([
      { crmId: company, success: true },
    ])

    const linked = await call('POST', '/associations', {
      associations: [
        { contactCRMId: li, companyCRMId: company },
        { contactCRMId: ana, companyCRMId: company },
      ],
    })
    expect(linked.body).toEqual({ success: true, created: 2, errors: [] })

    const task = await call('POST', '/tasks', { subject: 'Call Li', contactId: li, companyId: company, dueDate: '2025-03-03' })
    expect(task.status).toBe(201)
    expect(task.body).toMatchObject({ contactId: li, companyId: company, dueDate: '2025-03-03T00:00:00Z' })
    const done = await call('PATCH', '/tasks/batch', { ids: [task.body.id], completed: true })
    expect(done.body[0]).toMatchObject({ id: task.body.id, completed: true })

    const message = { type: 'EMAIL', direction: 'OUTBOUND', subject: '[1/3] [FROM Acme] Ana Ruiz', contactId: li, companyId: company, metadata: { messageId: 'msg-1' } }
    const logged = await call('POST', '/activities', message)
    expect(logged.status).toBe(201)
    const again = await call('POST', '/activities', message)
    expect(again).toEqual({ status: 200, body: logged.body })

    const resynced = await call('POST', '/contacts/sync', { contacts: [{ externalId: 'L-7', email: 'li.wei@globex.com' }] })
    expect(resynced.body.results[0].properties).toMatchObject({ email: 'Li.Wei@Globex.com', campaignSequenceStatus: 'Replied', campaignOpens: 5 })
  })
})
