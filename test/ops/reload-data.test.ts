import { builtinAdapters } from '../../adapters/index.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfigFile } from '../../src/config/load.ts'
import { tempFile } from '../../adapters/sql/testing.ts'
import { KEY, capturedLogger, headers } from '../helpers/app.ts'

const CALL = { signal: AbortSignal.timeout(10_000), deadline: Date.now() + 60_000, warn: () => {} }

/** A config of one tenant with the connections `connections` (YAML lines) and `active`. */
const yaml = (connections: string, active = 'acme-mem') => `
auth:
  apiKeys: ${KEY}
health:
  intervalMs: 0
connections:
${connections}
active: ${active}
`
const USER_1 = '      - { id: u-1, name: Ana Ruiz }\n'
const USER_2 = '      - { id: u-2, name: Bo Lind }\n'
const memory = (users = USER_1, extra = '') => `  acme-mem:\n    adapter: memory\n    users:\n${users}${extra}`
const other = '  other-mem:\n    adapter: memory\n'

describe('what a reload keeps of the records', () => {
  let app: FastifyInstance
  let path: string
  const log = capturedLogger('info')

  const start = async (text: string) => {
    path = join(await mkdtemp(join(tmpdir(), 'gateway-reload-data-')), 'gateway.yaml')
    await writeFile(path, text)
    app = await buildApp({ config: await loadConfigFile(path, {}, builtinAdapters), logger: log.logger, reload: { path, env: {}, registry: builtinAdapters } })
  }
  const reloadWith = async (text: string) => {
    await writeFile(path, text)
    return app.reloadConfig('test')
  }
  const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => app.inject({ method, url, headers, ...(payload && { payload }) })
  afterEach(() => app?.close())

  /** One record of every kind on the active connection: a task, a contact, a company, their link and an activity. */
  const seed = async () => {
    const contact = (await send('POST', '/contacts', { contacts: [{ externalId: 'L-1', email: 'li@acme.io' }] })).json().results[0].crmId
    const company = (await send('POST', '/companies', { companies: [{ externalId: 'C-1', domain: 'acme.io' }] })).json().results[0].crmId
    const linked = await send('POST', '/associations', { associations: [{ contactCRMId: contact, companyCRMId: company }] })
    expect(linked.json()).toMatchObject({ created: 1, errors: [] })
    const task = (await send('POST', '/tasks', { subject: 'call Li', contactId: contact, companyId: company, ownerId: 'u-1' })).json()
    const message = { type: 'EMAIL', contactId: contact, metadata: { messageId: 'msg-1' } }
    const activity = await send('POST', '/activities', message)
    expect(activity.statusCode).toBe(201)
    return { contact, company, task, message, activity: activity.json() }
  }

  /** Every record `seed` made answers as it did: read, found by sync, linked, logged once. */
  const expectKept = async ({ contact, company, task, message, activity }: Awaited<ReturnType<typeof seed>>) => {
    const read = await send('GET', `/tasks/${task.id}`)
    expect(read.statusCode, 'the task answers').toBe(200)
    expect(read.json()).toEqual(task)
    const contacts = await send('POST', '/contacts/sync', { contacts: [{ externalId: 'L-1' }] })
    expect(contacts.json().results, 'the contact is found').toMatchObject([{ externalId: 'L-1', crmId: contact, properties: { email: 'li@acme.io' } }])
    const companies = await send('POST', '/companies/sync', { companies: [{ externalId: 'C-1' }] })
    expect(companies.json().results, 'the company is found').toMatchObject([{ externalId: 'C-1', crmId: company }])
    const again = await send('POST', '/associations', { associations: [{ contactCRMId: contact, companyCRMId: company }] })
    expect(again.json(), 'the link exists: linking again creates nothing').toEqual({ success: true, created: 0, errors: [] })
    const repeated = await send('POST', '/activities', message)
    expect(repeated.statusCode, 'the activity was logged: the same message answers it').toBe(200)
    expect(repeated.json().id).toBe(activity.id)
  }

  it('keeps every record of a memory connection whose users and typeMap change, and puts the new settings in force', async () => {
    await start(yaml(memory()))
    const before = app.gateway.current.runtime.connections.get('acme-mem')!
    const records = await seed()
    expect(await reloadWith(yaml(memory(USER_1 + USER_2, '    typeMap: { call: CALL }\n')))).toBe(true)
    const after = app.gateway.current.runtime.connections.get('acme-mem')!
    expect(after, 'the changed connection was opened afresh').not.toBe(before)
    await expectKept(records)
    const users = (await send('GET', '/users')).json()
    expect(users.map((user: { id: string }) => user.id), 'the new users list is in force').toEqual(['acme-mem.u-1', 'acme-mem.u-2'])
    const typed = (await send('POST', '/tasks', { subject: 'typed', type: 'call', ownerId: 'u-2' })).json()
    expect(typed).toMatchObject({ type: 'call', ownerId: 'acme-mem.u-2' })
    const [stored] = await after.adapter.tasks!.doGetMany([typed.id.slice('acme-mem.'.length)], CALL)
    expect(stored!.type, 'the new typeMap is in force').toBe('CALL')
  })

  it('shares the records between the instance before the reload and the one after: a write through either is seen by both', async () => {
    await start(yaml(memory()))
    const old = app.gateway.current.runtime.connections.get('acme-mem')!.adapter
    expect(await reloadWith(yaml(memory(USER_1 + USER_2)))).toBe(true)
    const fresh = app.gateway.current.runtime.connections.get('acme-mem')!.adapter
    // A request that began before the reload still writes through the old instance.
    const late = await old.tasks!.doCreate({ subject: 'written by a request of the old config' }, CALL)
    expect((await send('GET', `/tasks/acme-mem.${late.id}`)).json()).toMatchObject({ subject: 'written by a request of the old config' })
    const now = (await send('POST', '/tasks', { subject: 'written after' })).json()
    expect(await old.tasks!.doGetMany([now.id.slice('acme-mem.'.length)], CALL)).toMatchObject([{ subject: 'written after' }])
    expect(fresh).not.toBe(old)
  })

  it('keeps the records across a reload that fails half-way, and those after it', async () => {
    await start(yaml(memory() + other))
    const records = await seed()
    // The sql adapter refuses a file and a url together when it is created: after acme-mem was opened afresh.
    const broken = '  broken:\n    adapter: sql\n    file: a.sqlite\n    url: postgres://127.0.0.1:1/none\n'
    expect(await reloadWith(yaml(`${memory(USER_1 + USER_2)}${broken}`))).toBe(false)
    expect(await reloadWith(yaml(`${memory()}${other}    concurrency: 2\n`)), 'a reload that changes another connection').toBe(true)
    expect(await reloadWith(yaml(`${memory(USER_2)}${other}`)), 'and one that changes this one again').toBe(true)
    await expectKept(records)
  })

  it('starts a connection removed from the config and added back later empty', async () => {
    await start(yaml(memory() + other))
    const records = await seed()
    expect(await reloadWith(yaml(other, 'other-mem'))).toBe(true)
    expect((await send('GET', `/tasks/${records.task.id}`)).statusCode, 'the ids of a removed connection are not found').toBe(404)
    expect(await reloadWith(yaml(memory() + other))).toBe(true)
    expect((await send('GET', `/tasks/${records.task.id}`)).statusCode, 'added back, it holds nothing of before').toBe(404)
    const contacts = await send('POST', '/contacts/sync', { contacts: [{ externalId: 'L-1' }] })
    expect(contacts.json()).toEqual({ results: [], errors: [] })
  })

  it('keeps an sql connection’s records across a rebuild: they are in its database, and nothing else is lost', async () => {
    const sql = (users: string) => `  acme-sql:\n    adapter: sql\n    file: ${tempFile()}\n    users:\n${users}`
    const file = sql(USER_1)
    await start(yaml(file, 'acme-sql'))
    const records = await seed()
    expect(await reloadWith(yaml(file.replace(USER_1, USER_1 + USER_2), 'acme-sql'))).toBe(true)
    await expectKept(records)
  })
})
