import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropTables, postgresConnection, tempFile, uniquePrefix } from '../../adapters/sql/testing.ts'
import { FREE_FORM } from '../../src/contract/free-form.ts'
import { headers, testApp } from '../helpers/app.ts'
import { countingMemory } from '../helpers/counting-memory.ts'

/** JSON text of a value nested `levels` objects deep (or arrays), written as text: `JSON.stringify` itself overflows on it. */
const nested = (levels: number, kind: 'object' | 'array' = 'object') =>
  kind === 'object' ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`
/** The same, as a value a test can send and compare. */
const nestedValue = (levels: number): unknown => JSON.parse(nested(levels))

const DEEP = 100_000

/**
 * Free-form fields (a record's fields beyond its known ones, an activity's metadata) are held to
 * bounds at the schema (`src/contract/free-form.ts`): a 400 naming the field, nothing written,
 * and nothing stored can make a later answer fail. A value nested 100,000 levels (600 KB, under
 * the body limit) overflowed `JSON.stringify`: a 500 from the sql adapter, and from every later
 * sync of the contact the memory adapter had kept.
 */
const prefix = uniquePrefix('freeform')
const targets: [string, () => Record<string, unknown>][] = [
  ['memory', () => ({ adapter: 'memory' })],
  ['sql on SQLite', () => ({ adapter: 'sql', file: tempFile() })],
  ['sql on PostgreSQL', () => postgresConnection(prefix)],
]

describe.each(targets)('free-form fields, on %s', (_name, connection) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await testApp({ connections: { crm: connection() } })
  })
  afterAll(async () => {
    await app?.close()
    await dropTables(prefix)
  })

  const send = (method: 'POST' | 'PUT', url: string, payload: string | object) =>
    app.inject({ method, url, headers, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })

  it.each(['contacts', 'companies'] as const)('%s: a field nested 100,000 levels is a 400 naming it on every route; nothing is written and the record keeps answering', async (kind) => {
    const externalId = `deep-${kind}`
    const exported = await send('POST', `/${kind}`, { [kind]: [{ externalId, campaignOpens: 3 }] })
    expect(exported.statusCode).toBe(200)
    const [{ crmId }] = exported.json().results
    const deep = nested(DEEP)
    expect(deep.length).toBeGreaterThan(500_000)

    for (const [method, url, record] of [
      ['POST', `/${kind}`, `{"externalId":"deep-new","notes":${deep}}`],
      ['POST', `/${kind}`, `{"externalId":"${externalId}","notes":${deep}}`],
      ['POST', `/${kind}/sync`, `{"externalId":"${externalId}","notes":${deep}}`],
      ['PUT', `/${kind}`, `{"crmId":"${crmId}","notes":${deep}}`],
      ['PUT', `/${kind}`, `{"crmId":"${crmId}","notes":${nested(DEEP, 'array')}}`],
    ] as const) {
      const res = await send(method, url, `{"${kind}":[${record}]}`)
      expect(res.json(), `${method} ${url}`).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `body/${kind}/0/notes must nest at most 32 levels`,
        code: 'BAD_REQUEST',
      })
    }

    const synced = await send('POST', `/${kind}/sync`, { [kind]: [{ externalId }, { externalId: 'deep-new' }] })
    expect(synced.statusCode).toBe(200)
    expect(synced.json().results).toEqual([{ externalId, crmId, properties: expect.objectContaining({ campaignOpens: 3 }) }])
    expect(synced.json().results[0].properties).not.toHaveProperty('notes')
    expect((await send('PUT', `/${kind}`, { [kind]: [{ crmId, campaignOpens: 4 }] })).json().results).toEqual([{ crmId, success: true }])
    expect((await send('POST', `/${kind}`, { [kind]: [{ externalId }] })).json().results).toEqual([{ externalId, crmId }])
  })

  it('keeps and answers back a value at every bound: the deepest, longest and widest allowed', async () => {
    const widest = Object.fromEntries(Array.from({ length: FREE_FORM.keys - 2 }, (_, i) => [`k${i}`, i]))
    const values = {
      deepest: nestedValue(FREE_FORM.depth),
      longest: 'x'.repeat(FREE_FORM.text),
      items: Array.from({ length: FREE_FORM.items }, (_, i) => i),
      [`k${'y'.repeat(FREE_FORM.key - 1)}`]: { ['z'.repeat(FREE_FORM.key)]: true },
    }
    const exported = await send('POST', '/contacts', { contacts: [{ externalId: 'bounds', ...values }] })
    expect(exported.statusCode, exported.body).toBe(200)
    const [{ crmId }] = exported.json().results
    // A record of 1,000 fields in all: its externalId, crmId and the others.
    expect((await send('PUT', '/contacts', { contacts: [{ crmId, externalId: 'bounds', ...widest }] })).json().results).toEqual([{ crmId, success: true }])
    const synced = await send('POST', '/contacts/sync', { contacts: [{ externalId: 'bounds' }] })
    expect(synced.statusCode).toBe(200)
    expect(synced.json().results[0].properties).toMatchObject({ ...values, k0: 0, [`k${FREE_FORM.keys - 3}`]: FREE_FORM.keys - 3 })
  })

  it("an activity's metadata nested 100,000 levels is a 400 naming the field; the message is logged once it is sent whole", async () => {
    const res = await send('POST', '/activities', `{"type":"EMAIL","metadata":{"messageId":"m-deep","thread":${nested(DEEP)}}}`)
    expect(res.json()).toMatchObject({ statusCode: 400, message: 'body/metadata/thread must nest at most 32 levels', code: 'BAD_REQUEST' })
    const logged = await send('POST', '/activities', { type: 'EMAIL', metadata: { messageId: 'm-deep', thread: nestedValue(FREE_FORM.depth) } })
    expect(logged.statusCode).toBe(201)
  })
})

describe('free-form bounds', () => {
  let app: FastifyInstance
  const memory = countingMemory()
  beforeAll(async () => {
    app = await testApp({ registry: memory.registry })
  })
  afterAll(() => app.close())

  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))
  it.each([
    ['one level too deep', { notes: nestedValue(FREE_FORM.depth + 1) }, 'body/contacts/0/notes must nest at most 32 levels'],
    ['one level too deep, in arrays', { notes: JSON.parse(nested(FREE_FORM.depth + 1, 'array')) }, 'body/contacts/0/notes must nest at most 32 levels'],
    ['a text too long', { notes: 'x'.repeat(FREE_FORM.text + 1) }, 'body/contacts/0/notes must hold no text longer than 65536 characters'],
    ['a text too long, inside', { notes: [{ body: 'x'.repeat(FREE_FORM.text + 1) }] }, 'body/contacts/0/notes must hold no text longer than 65536 characters'],
    ['an array too long', { notes: { list: Array.from({ length: FREE_FORM.items + 1 }, () => 0) } }, 'body/contacts/0/notes must hold no array of more than 1000 items'],
    ['an object too wide', { notes: many(FREE_FORM.keys + 1) }, 'body/contacts/0/notes must hold no object of more than 1000 keys'],
    ['a key too long, inside', { notes: { ['k'.repeat(FREE_FORM.key + 1)]: 1 } }, 'body/contacts/0/notes must hold no key longer than 256 characters'],
    ['too many fields', many(FREE_FORM.keys), 'body/contacts/0 must NOT have more than 1000 fields'],
    ['a field name too long', { ['f'.repeat(FREE_FORM.key + 1)]: 1 }, 'body/contacts/0 must NOT have a field name longer than 256 characters'],
    ['a field name with / and ~', { 'a/b~c': nestedValue(FREE_FORM.depth + 1) }, 'body/contacts/0/a~1b~0c must nest at most 32 levels'],
  ])('refuses %s with a 400 naming the field, and writes nothing', async (_name, fields, message) => {
    const before = memory.writes()
    const res = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts: [{ externalId: 'b', ...fields }] } })
    expect(res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message, code: 'BAD_REQUEST' })
    expect(memory.writes()).toBe(before)
  })

  it('ignores a field nested 100,000 levels where unknown fields are ignored (tasks, pairs, an activity beside its metadata), never a 5xx', async () => {
    const deep = nested(DEEP)
    const task = await app.inject({ method: 'POST', url: '/tasks', headers, payload: `{"subject":"deep","junk":${deep}}` })
    expect(task.statusCode).toBe(201)
    for (const [method, url, payload] of [
      ['PATCH', `/tasks/${task.json().id}`, `{"completed":true,"junk":${deep}}`],
      ['POST', '/tasks/batch', `{"ids":[],"junk":${deep}}`],
      ['POST', '/associations', `{"associations":[],"junk":${deep}}`],
      ['POST', '/activities', `{"type":"EMAIL","junk":${deep}}`],
    ] as const) {
      const res = await app.inject({ method, url, headers, payload })
      expect(res.statusCode, `${method} ${url}`).toBeLessThan(300)
    }
  })

  it('reads a 100,000-level body in about the time of any other 600 KB body (printed, not asserted)', async () => {
    const time = async (payload: string) => {
      const started = performance.now()
      const res = await app.inject({ method: 'POST', url: '/contacts', headers, payload })
      expect(res.statusCode).toBe(400)
      return performance.now() - started
    }
    const deep = `{"contacts":[{"externalId":"t","notes":${nested(DEEP)}}]}`
    const flat = `{"contacts":[{"externalId":"t","notes":"${'x'.repeat(deep.length - 50)}"}]}`
    await time(deep)
    const [deepMs, flatMs] = [await time(deep), await time(flat)]
    console.log(`a ${deep.length}-byte body nested ${DEEP} levels: refused in ${deepMs.toFixed(1)} ms; a flat body of ${flat.length} bytes: ${flatMs.toFixed(1)} ms`)
  })
})
