import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AdapterRegistry, builtinAdapters } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import { tempFile } from '../../adapters/sql/testing.ts'
import { failed } from '../../src/adapter/results.ts'
import type { AdapterV2 } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../src/errors.ts'
import { headers, testApp } from '../helpers/app.ts'
import { countedWrites } from '../helpers/counting-memory.ts'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../conformance/fakes/simple-crm.ts'
import type { HttpFake } from '../conformance/fakes/http-fake.ts'

const memory = async () => (await import('../../adapters/memory/index.ts')).default

/** Ids across connections: every id names its connection, and a record never links a stranger's. */
describe('record ids and references across connections', () => {
  let app: FastifyInstance
  let contactInOld: string
  beforeAll(async () => {
    app = await testApp({ connections: { old: { adapter: 'memory' }, new: { adapter: 'memory' } }, active: 'old' })
    contactInOld = (await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts: [{ externalId: 'L-1' }] } })).json()
      .results[0].crmId
    // Support flip the tenant from `old` to `new`: both stay configured.
    await app.gateway.apply({ ...app.gateway.current.runtime.config, tenants: [{ ...app.gateway.current.runtime.config.tenants[0]!, active: 'new' }] })
  })
  afterAll(() => app.close())

  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers, payload })

  it('refuses, with a 422 naming the field, a task that would link a contact of another connection', async () => {
    const res = await post('/tasks', { subject: 'follow up', contactId: contactInOld })
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'REFERENCE_ELSEWHERE',
      message: 'body/contactId names a record of connection "old", but this is written to connection "new"',
    })
  })

  it('refuses the same in an activity, and reports it for an association pair, never a silent wrong link', async () => {
    expect((await post('/activities', { type: 'EMAIL', contactId: contactInOld })).statusCode).toBe(422)
    const company = (await post('/companies', { companies: [{ externalId: 'C-1' }] })).json().results[0].crmId
    expect(company).toMatch(/^new\./)
    const linked = await post('/associations', { associations: [{ contactCRMId: contactInOld, companyCRMId: company }] })
    expect(linked.json()).toMatchObject({ created: 0, errors: [{ code: 'REFERENCE_ELSEWHERE' }] })
  })

  it('takes a bare native id as the active connection’s, and hands it back as that connection’s id', async () => {
    const contact = (await post('/contacts', { contacts: [{ externalId: 'L-2' }] })).json().results[0].crmId
    const res = await post('/tasks', { subject: 'bare', contactId: contact.slice('new.'.length), ownerId: 'u-1' })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ contactId: contact, ownerId: 'new.u-1' })
  })

  it('keeps the crmIds of the old connection working for updates after the flip', async () => {
    const res = await app.inject({ method: 'PUT', url: '/contacts', headers, payload: { contacts: [{ crmId: contactInOld, title: 'CTO' }] } })
    expect(res.json().results).toEqual([{ crmId: contactInOld, success: true }])
  })
})

/**
 * References a tenant cannot see, or that do not exist, on every route that takes one, on memory
 * and on sql (SQLite): each is refused naming the field, nothing is written, and an id of another
 * tenant's connection answers exactly as one of a connection that exists nowhere.
 */
describe.each([
  ['memory', 'acme-mem', 'key-of-acme-on-memory'],
  ['sql', 'acme-sql', 'key-of-acme-on-sql-01'],
])('references on %s that name no record of the connection', (_adapter, target, key) => {
  let app: FastifyInstance
  let writes = 0
  const keyed = { 'x-api-key': key, 'content-type': 'application/json' }
  const globex = { 'x-api-key': 'key-of-globex-000001', 'content-type': 'application/json' }
  /** Records of this tenant's connection, and gateway ids of globex's. */
  let own: { contact: string; company: string; task: string }
  let strangers: { contact: string; company: string }
  /** An id of the same form as a stranger's, of a connection no config has. */
  const nowhere = (id: string) => id.replace(/^globex-sql/, 'nowhere-sql')
  const missing = `${target}.AAAAAAAAAAAAAAAAAAAAAA`

  beforeAll(async () => {
    const counted =
      (name: 'memory' | 'sql'): AdapterRegistry[string] =>
      async () => {
        const definition = await builtinAdapters[name]!()
        return { ...definition, create: (options, ctx) => countedWrites(definition.create(options, ctx) as AdapterV2, () => writes++) }
      }
    const users = [{ id: 'u-1', name: 'Ana Ruiz' }]
    app = await testApp({
      connections: {
        'acme-mem': { adapter: 'memory', users },
        'acme-sql': { adapter: 'sql', file: tempFile(), users },
        'globex-sql': { adapter: 'sql', file: tempFile() },
      },
      tenants: {
        'acme-on-memory': { apiKeys: 'key-of-acme-on-memory', active: 'acme-mem' },
        'acme-on-sql': { apiKeys: 'key-of-acme-on-sql-01', active: 'acme-sql' },
        globex: { apiKeys: 'key-of-globex-000001', active: 'globex-sql' },
      },
      registry: { memory: counted('memory'), sql: counted('sql') },
    })
    const exported = async (headers: Record<string, string>, kind: string) =>
      (await app.inject({ method: 'POST', url: `/${kind}`, headers, payload: { [kind]: [{ externalId: `${kind}-1` }] } })).json().results[0].crmId
    strangers = { contact: await exported(globex, 'contacts'), company: await exported(globex, 'companies') }
    expect(strangers.contact).toMatch(/^globex-sql\./)
    const contact = await exported(keyed, 'contacts')
    const company = await exported(keyed, 'companies')
    const task = await send('POST', '/tasks', { subject: 'valid', contactId: contact, companyId: company, ownerId: 'u-1' })
    expect(task.statusCode, task.body).toBe(201)
    own = { contact, company, task: task.json().id }
  })
  afterAll(() => app.close())

  const send = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object) => app.inject({ method, url, headers: keyed, payload })
  /** Every reference that must be refused, by field, with the message that refuses it. */
  const refused = () => {
    const no = (field: string, what: string) => `body/${field} names no ${what} of connection "${target}"`
    return [
      ['contactId', strangers.contact, no('contactId', 'contact')],
      ['contactId', nowhere(strangers.contact), no('contactId', 'contact')],
      ['contactId', missing, no('contactId', 'contact')],
      ['contactId', 'local.nope', no('contactId', 'contact')],
      ['contactId', 'nope', no('contactId', 'contact')],
      ['companyId', strangers.company, no('companyId', 'company')],
      ['companyId', nowhere(strangers.company), no('companyId', 'company')],
      ['companyId', missing, no('companyId', 'company')],
      ['ownerId', 'globex-sql.u-1', no('ownerId', 'user')],
      ['ownerId', 'u-9', no('ownerId', 'user')],
    ] as const
  }
  const expectRefused = (res: { statusCode: number; json: () => unknown }, message: string) => {
    expect(res.statusCode).toBe(422)
    expect(res.json()).toEqual({ statusCode: 422, error: 'Unprocessable Entity', code: 'REFERENCE_NOT_FOUND', message })
  }

  it('POST /tasks: refuses each with a 422 naming the field, writes nothing, and takes a valid reference', async () => {
    const before = writes
    for (const [field, value, message] of refused()) expectRefused(await send('POST', '/tasks', { subject: 'refused', [field]: value }), message)
    expect(writes, 'nothing written').toBe(before)
    const valid = { subject: 'valid', contactId: own.contact, companyId: own.company, ownerId: `${target}.u-1` }
    expect((await send('POST', '/tasks', valid)).statusCode).toBe(201)
    // A refused create with an Idempotency-Key keeps nothing: the key then serves a corrected body.
    const withKey = (body: object) => app.inject({ method: 'POST', url: '/tasks', headers: { ...keyed, 'idempotency-key': `refused-${target}` }, payload: body })
    expectRefused(await withKey({ ...valid, contactId: missing }), `body/contactId names no contact of connection "${target}"`)
    expect((await withKey(valid)).statusCode).toBe(201)
  })

  it('answers an id of another tenant’s connection exactly as one of a connection that exists nowhere', async () => {
    for (const [url, field] of [
      ['/tasks', 'contactId'],
      ['/activities', 'companyId'],
    ] as const) {
      const stranger = strangers[field === 'contactId' ? 'contact' : 'company']
      const body = { subject: 's', type: 'EMAIL' }
      const [existing, nonexistent] = [await send('POST', url, { ...body, [field]: stranger }), await send('POST', url, { ...body, [field]: nowhere(stranger) })]
      expect(existing.statusCode).toBe(nonexistent.statusCode)
      expect(existing.body).toBe(nonexistent.body)
    }
  })

  it('PATCH and PUT /tasks/:id: refuse each, leaving the task as it was', async () => {
    const before = writes
    for (const method of ['PATCH', 'PUT'] as const) {
      for (const [field, value, message] of refused()) expectRefused(await send(method, `/tasks/${own.task}`, { subject: 'changed', [field]: value }), message)
    }
    expect(writes, 'nothing written').toBe(before)
    const task = (await app.inject({ method: 'GET', url: `/tasks/${own.task}`, headers: keyed })).json()
    expect(task).toMatchObject({ subject: 'valid', contactId: own.contact, companyId: own.company, ownerId: `${target}.u-1` })
    expect((await send('PATCH', `/tasks/${own.task}`, { companyId: own.company, ownerId: 'u-1' })).statusCode).toBe(200)
  })

  it('POST /activities: refuses each, logs nothing (the same message id is logged afresh after), and takes a valid one', async () => {
    const before = writes
    for (const [field, value, message] of refused()) {
      expectRefused(await send('POST', '/activities', { type: 'EMAIL', [field]: value, metadata: { messageId: `refused-${target}` } }), message)
    }
    expect(writes, 'nothing written').toBe(before)
    const logged = await send('POST', '/activities', { type: 'EMAIL', contactId: own.contact, ownerId: 'u-1', metadata: { messageId: `refused-${target}` } })
    expect(logged.statusCode, 'the message was never logged').toBe(201)
  })

  it('POST and PUT /contacts and /companies: a record whose ownerId names no user is in errors, unwritten; the others are written', async () => {
    for (const kind of ['contacts', 'companies'] as const) {
      const exported = await send('POST', `/${kind}`, {
        [kind]: [
          { externalId: `${kind}-owned-by-a-stranger`, ownerId: 'globex-sql.u-1' },
          { externalId: `${kind}-owned-by-nobody`, ownerId: 'u-9' },
          { externalId: `${kind}-owned`, ownerId: 'u-1' },
        ],
      })
      expect(exported.statusCode).toBe(200)
      expect(exported.json().results.map((r: { externalId: string }) => r.externalId)).toEqual([`${kind}-owned`])
      const error = (what: string) => ({ code: 'REFERENCE_NOT_FOUND', error: `body/ownerId names no user of connection "${target}"`, externalId: `${kind}-owned-by-${what}` })
      expect(exported.json().errors).toEqual([error('a-stranger'), error('nobody')])
      const synced = await send('POST', `/${kind}/sync`, { [kind]: [{ externalId: `${kind}-owned-by-a-stranger` }, { externalId: `${kind}-owned-by-nobody` }] })
      expect(synced.json(), 'neither was created').toEqual({ results: [], errors: [] })

      const crmId = own[kind === 'contacts' ? 'contact' : 'company']
      const before = writes
      const updated = await send('PUT', `/${kind}`, { [kind]: [{ crmId, industry: 'Mining', title: 'CEO', ownerId: 'u-9' }] })
      expect(updated.json()).toEqual({
        results: [{ crmId, success: false }],
        errors: [{ crmId, code: 'REFERENCE_NOT_FOUND', error: `body/ownerId names no user of connection "${target}"` }],
      })
      expect(writes, 'nothing written').toBe(before)
      const fine = await send('PUT', `/${kind}`, { [kind]: [{ crmId, ownerId: `${target}.u-1` }] })
      expect(fine.json().results).toEqual([{ crmId, success: true }])
    }
  })

  it('POST /associations: an id of another tenant’s connection is unknown, never linked', async () => {
    const before = writes
    const pairs = [
      { contactCRMId: strangers.contact, companyCRMId: own.company },
      { contactCRMId: nowhere(strangers.contact), companyCRMId: own.company },
      { contactCRMId: own.contact, companyCRMId: strangers.company },
    ]
    const res = await send('POST', '/associations', { associations: pairs })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      success: true,
      created: 0,
      errors: [
        { ...pairs[0], error: 'contact not found', code: 'RECORD_NOT_FOUND' },
        { ...pairs[1], error: 'contact not found', code: 'RECORD_NOT_FOUND' },
        { ...pairs[2], error: 'company not found', code: 'RECORD_NOT_FOUND' },
      ],
    })
    expect(writes, 'no link was asked of any adapter').toBe(before)
  })
})

describe('records that fail one by one', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    // Contacts whose e-mail names a failure fail that way; the CRM refuses one, is down for another.
    const registry: AdapterRegistry = {
      memory: async () => ({
        options: Type.Object({}),
        create: () => {
          const adapter = createMemoryAdapter()
          const contacts = adapter.contacts!
          return {
            ...adapter,
            contacts: {
              ...contacts,
              async doCreateMany(inputs, options) {
                if (inputs.every((input) => input.email?.startsWith('down'))) throw new UpstreamUnavailableError('the CRM is down')
                const made = await contacts.doCreateMany(inputs, options)
                return inputs.map((input, i) =>
                  input.email?.startsWith('refused') ? failed(new UpstreamRejectedError('the CRM refused it')) : made[i]!,
                )
              },
            },
          }
        },
      }),
    }
    app = await testApp({ registry })
  })
  afterAll(() => app.close())

  const exported = (contacts: object[]) => app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts } })

  it('answers 200 with the records it created and an error for each it could not', async () => {
    const res = await exported([
      { externalId: 'ok-1', email: 'fine@acme.io' },
      { externalId: 'bad-1', email: 'refused@acme.io' },
    ])
    expect(res.statusCode).toBe(200)
    expect(res.json().results.map((r: { externalId: string }) => r.externalId)).toEqual(['ok-1'])
    expect(res.json().errors).toEqual([
      { externalId: 'bad-1', error: 'the CRM refused it', code: 'UPSTREAM_REJECTED' },
    ])
  })

  it('answers 200 with errors only when the CRM refused every record, and the CRM’s 502 when it could do nothing', async () => {
    const refused = await exported([{ externalId: 'bad-2', email: 'refused2@acme.io' }])
    expect(refused.statusCode).toBe(200)
    expect(refused.json()).toMatchObject({ results: [], errors: [{ externalId: 'bad-2', code: 'UPSTREAM_REJECTED' }] })
    const down = await exported([{ externalId: 'down-1', email: 'down@acme.io' }])
    expect(down.statusCode).toBe(502)
    expect(down.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
  })
})

describe('a connection whose adapter serves tasks only (a version 1 adapter)', () => {
  let fake: HttpFake
  let app: FastifyInstance
  beforeAll(async () => {
    fake = await startSimpleCrm()
    app = await testApp({ connections: { crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN } }, registry: { ...simpleRegistry, memory } })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  it('serves tasks through the v1 wrapper, answers 501 for other kinds and 404 for users', async () => {
    expect((await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'v1' } })).statusCode).toBe(201)
    const contacts = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts: [{ externalId: 'x' }] } })
    expect(contacts.statusCode).toBe(501)
    expect(contacts.json()).toMatchObject({ code: 'NOT_SUPPORTED', message: 'the CRM of connection "crm" does not serve contacts' })
    expect((await app.inject({ method: 'POST', url: '/activities', headers, payload: { type: 'EMAIL' } })).statusCode).toBe(501)
    // An update or a link names records the connection cannot hold: a 501 too, not "not found".
    const update = await app.inject({ method: 'PUT', url: '/contacts', headers, payload: { contacts: [{ crmId: '12', firstName: 'A' }] } })
    expect(update.statusCode).toBe(501)
    expect(update.json()).toMatchObject({ code: 'NOT_SUPPORTED' })
    const link = await app.inject({ method: 'POST', url: '/associations', headers, payload: { associations: [{ contactCRMId: '1', companyCRMId: '2' }] } })
    expect(link.statusCode).toBe(501)
    expect((await app.inject({ method: 'GET', url: '/users', headers })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/health', headers })).statusCode).toBe(200)
  })
})
