import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import { failed } from '../../src/adapter/results.ts'
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../src/errors.ts'
import { headers, testApp } from '../helpers/app.ts'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../fakes/simple-crm.ts'
import type { HttpFake } from '../fakes/http-fake.ts'

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
    const res = await post('/tasks', { subject: 'bare', contactId: 'c-123', ownerId: 'u-1' })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ contactId: 'new.c-123', ownerId: 'new.u-1' })
  })

  it('keeps the crmIds of the old connection working for updates after the flip', async () => {
    const res = await app.inject({ method: 'PUT', url: '/contacts', headers, payload: { contacts: [{ crmId: contactInOld, title: 'CTO' }] } })
    expect(res.json().results).toEqual([{ crmId: contactInOld, success: true }])
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
