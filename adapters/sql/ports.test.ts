import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdapterV2, CallOptions, ContactFields, ItemResult, RecordInput } from '../../src/kit/spec.ts'
import { createSqlAdapter } from './index.ts'
import { type SqlDriver, postgresDriver, sqliteDriver } from '../../src/kit/utils.ts'
import { tablesFor } from './migrations.ts'
import { POSTGRES_URL, dropTables, poolLimits, tempFile, uniquePrefix } from './testing.ts'

const options: CallOptions = { signal: new AbortController().signal, deadline: Date.now() + 3_600_000, warn: () => {} }
const ok = <T>(result: ItemResult<T> | undefined): T => {
  if (!result || !('ok' in result)) throw new Error(`expected ok, got ${JSON.stringify(result)}`)
  return result.ok
}

const dialects: [string, () => { driver: SqlDriver; prefix: string; cleanUp: () => Promise<void> }][] = [
  ['SQLite', () => ({ driver: sqliteDriver(tempFile()), prefix: 'enginy', cleanUp: async () => {} })],
  [
    'PostgreSQL',
    () => {
      const prefix = uniquePrefix('ports')
      return { driver: postgresDriver(POSTGRES_URL, poolLimits(4)), prefix, cleanUp: () => dropTables(prefix) }
    },
  ],
]

describe.each(dialects)('the sql adapter ports on %s', (name, open) => {
  let adapter: AdapterV2
  let cleanUp: () => Promise<void>
  let clock = 1_700_000_000_000
  beforeAll(() => {
    const { driver, prefix, cleanUp: drop } = open()
    cleanUp = drop
    adapter = createSqlAdapter(driver, {
      connection: 'own',
      tables: tablesFor(prefix, `${prefix}_tasks`),
      users: [{ id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' }],
      links: { contacts: 'https://crm.example.com/people/{id}' },
      now: () => clock++,
    })
  })
  afterAll(async () => {
    await adapter?.close?.()
    await cleanUp?.()
  })
  const contacts = () => adapter.contacts!
  const create = async (...inputs: RecordInput<ContactFields>[]) => (await contacts().doCreateMany(inputs, options)).map(ok)

  it('creates contacts with every field, their extra fields and their creation time', async () => {
    const [ana] = await create({
      externalId: 'L-1',
      email: 'Ana@Acme.io',
      firstName: 'Ana',
      lastName: 'Ruiz',
      phone: '+34 600',
      company: 'Acme',
      title: 'CEO',
      linkedinUrl: 'https://www.linkedin.com/in/Ana-Ruiz/?utm=x',
      ownerId: 'u-1',
      extra: { campaignOpens: 2, nested: { a: [1, null] } },
    })
    expect(ana).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      externalId: 'L-1',
      email: 'Ana@Acme.io',
      firstName: 'Ana',
      lastName: 'Ruiz',
      phone: '+34 600',
      company: 'Acme',
      title: 'CEO',
      linkedinUrl: 'https://www.linkedin.com/in/Ana-Ruiz/?utm=x',
      ownerId: 'u-1',
      extra: { campaignOpens: 2, nested: { a: [1, null] } },
      createdAt: expect.any(Number),
    })
    expect(contacts().isNativeId(ana!.id)).toBe(true)
    for (const [by, key] of [
      ['externalId', 'L-1'],
      ['email', 'ana@acme.io'],
      ['linkedinUrl', 'linkedin.com/in/ana-ruiz'],
    ] as const) {
      expect((await contacts().doFind(by, [key, 'nobody'], options)).map((found) => found.id), `found by ${by}`).toEqual([ana!.id])
    }
  })

  it('answers a create that meets a unique key with the record that holds it, never a second record', async () => {
    const [first] = await create({ externalId: 'L-2', email: 'bo@acme.io' })
    // Another spelling of the e-mail, another externalId: the unique e-mail key still holds.
    const [again, sameExternal, fresh] = await create(
      { externalId: 'L-2b', email: '  BO@acme.IO ' },
      { externalId: 'L-2', email: 'other@acme.io' },
      { externalId: 'L-3', email: 'cy@acme.io' },
    )
    expect(again).toEqual(first)
    expect(sameExternal).toEqual(first)
    expect(fresh!.id).not.toBe(first!.id)
    expect(await contacts().doFind('email', ['bo@acme.io'], options)).toHaveLength(1)
    expect(await contacts().doFind('email', ['other@acme.io'], options)).toEqual([])
  })

  it('updates: missing for an unknown id, extra fields merged, keys recomputed, a key taken fails that record only', async () => {
    const [dee, eve] = await create({ externalId: 'L-4', email: 'dee@acme.io', extra: { opens: 1, stage: 'new' } }, { externalId: 'L-5', email: 'eve@acme.io' })
    const results = await contacts().doUpdateMany(
      [
        { id: dee!.id, fields: { email: 'Dee.New@Acme.io', title: 'CTO', extra: { opens: 2, replied: true } } },
        { id: 'AAAAAAAAAAAAAAAAAAAAAA', fields: { title: 'nobody' } },
        { id: eve!.id, fields: { email: 'dee.new@acme.io' } },
      ],
      options,
    )
    expect(ok(results[0])).toMatchObject({ id: dee!.id, externalId: 'L-4', email: 'Dee.New@Acme.io', title: 'CTO', extra: { opens: 2, stage: 'new', replied: true } })
    expect(results[1]).toEqual({ missing: true })
    expect(results[2]).toMatchObject({ failed: { code: 'UPSTREAM_REJECTED', statusCode: 422 } })
    expect((await contacts().doFind('email', ['dee.new@acme.io'], options)).map((found) => found.id)).toEqual([dee!.id])
    expect(await contacts().doFind('email', ['dee@acme.io'], options)).toEqual([])
    // A field left out stays, and so does every extra field.
    const [after] = (await contacts().doUpdateMany([{ id: dee!.id, fields: { phone: '1' } }], options)).map(ok)
    expect(after).toMatchObject({ email: 'Dee.New@Acme.io', title: 'CTO', phone: '1', extra: { opens: 2, stage: 'new', replied: true } })
  })

  it('keeps every extra field of updates that run at once', async () => {
    const [fay] = await create({ externalId: 'L-6', email: 'fay@acme.io' })
    const patches = Array.from({ length: 20 }, (_, i) => ({ id: fay!.id, fields: { extra: { [`field${i}`]: i } } as Partial<ContactFields> }))
    await Promise.all(patches.map((patch) => contacts().doUpdateMany([patch], options)))
    const [found] = await contacts().doFind('externalId', ['L-6'], options)
    expect(Object.keys(found!.extra ?? {}).sort()).toEqual(patches.map((_, i) => `field${i}`).sort())
  })

  it('a value the database cannot hold fails that record only, never the batch', async () => {
    const [hal] = await create({ externalId: 'L-8', email: 'hal@acme.io' })
    const results = await contacts().doUpdateMany(
      [
        { id: hal!.id, fields: { title: 'a\u0000b' } },
        { id: hal!.id, fields: { extra: { note: 'x\u0000y' } } },
        { id: hal!.id, fields: { phone: '2' } },
      ],
      options,
    )
    // PostgreSQL's text holds no NUL character; SQLite's does.
    if (name === 'PostgreSQL') {
      expect(results.slice(0, 2)).toMatchObject([{ failed: { code: 'UPSTREAM_REJECTED' } }, { failed: { code: 'UPSTREAM_REJECTED' } }])
    } else {
      expect(results.slice(0, 2).map(ok)).toMatchObject([{ title: 'a\u0000b' }, { extra: { note: 'x\u0000y' } }])
    }
    expect(ok(results[2])).toMatchObject({ id: hal!.id, phone: '2' })
  })

  it('companies: numbers, and every lookup', async () => {
    const companies = adapter.companies!
    const [acme] = (
      await companies.doCreateMany([{ externalId: 'C-1', name: '  Acme   Inc ', domain: 'https://www.Acme.com:443/about', numberOfEmployees: 120, industry: 'Software' }], options)
    ).map(ok)
    expect(acme).toMatchObject({ name: '  Acme   Inc ', numberOfEmployees: 120, industry: 'Software', extra: {} })
    for (const [by, key] of [
      ['externalId', 'C-1'],
      ['domain', 'acme.com'],
      ['name', 'acme inc'],
    ] as const) {
      expect((await companies.doFind(by, [key], options)).map((found) => found.id), `found by ${by}`).toEqual([acme!.id])
    }
    const [again] = (await companies.doCreateMany([{ externalId: 'C-2', domain: 'acme.com' }], options)).map(ok)
    expect(again!.id).toBe(acme!.id)
    expect(companies.capabilities).toMatchObject({ lookups: ['externalId', 'domain', 'linkedinUrl', 'name'], keepsExtraFields: true, maxBatchCreate: 500 })
  })

  it('associations: created, existed, missing', async () => {
    const [gus] = await create({ externalId: 'L-7', email: 'gus@acme.io' })
    const [globex] = (await adapter.companies!.doCreateMany([{ externalId: 'C-7', domain: 'globex.com' }], options)).map(ok)
    const pair = { contactId: gus!.id, companyId: globex!.id }
    const unknown = 'BBBBBBBBBBBBBBBBBBBBBB'
    expect(
      await adapter.associations!.doAssociate([pair, pair, { contactId: unknown, companyId: globex!.id }, { contactId: gus!.id, companyId: unknown }], options),
    ).toEqual([{ ok: 'created' }, { ok: 'existed' }, { missing: true }, { missing: true }])
    expect(await adapter.associations!.doAssociate([pair], options)).toEqual([{ ok: 'existed' }])
  })

  it('activities: found again by message id, and a second create of one message is the first', async () => {
    const activities = adapter.activities!
    const input = { type: 'EMAIL', direction: 'OUTBOUND' as const, subject: 's', body: '<p>hi</p>', occurredAt: 1_700_000_000_123, contactId: 'c', messageId: 'm-1', metadata: { messageId: 'm-1', sequenceIndex: 2 } }
    const logged = await activities.doCreate(input, options)
    expect(logged).toEqual({ ...input, id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) })
    expect(await activities.doFindByMessageId!('m-1', options)).toEqual(logged)
    expect(await activities.doFindByMessageId!('m-2', options)).toBeNull()
    expect(await activities.doCreate({ ...input, subject: 'again' }, options)).toEqual(logged)
    const bare = await activities.doCreate({ type: 'LINKEDIN', occurredAt: 1 }, options)
    expect(bare).toEqual({ id: expect.any(String), type: 'LINKEDIN', occurredAt: 1 })
  })

  it('users and links come from the options', async () => {
    expect(await adapter.users!.doList(options)).toEqual([{ id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' }])
    expect(adapter.contacts!.linkTo!('AbC_-')).toBe('https://crm.example.com/people/AbC_-')
    expect(adapter.companies!.linkTo).toBeUndefined()
  })

  it('declares the contact lookups and batch sizes', () => {
    expect(contacts().capabilities).toEqual({
      maxBatchCreate: 500,
      maxBatchUpdate: 500,
      maxBatchFind: 500,
      lookups: ['externalId', 'email', 'linkedinUrl'],
      keepsExtraFields: true,
    })
  })
})
