import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { POSTGRES_URL, pgQuery } from '../../adapters/sql/testing.ts'
import { MemoryMirrorStore } from '../../src/mirror/memory-store.ts'
import { SqlMirrorStore } from '../../src/mirror/sql-store.ts'
import { TABLES } from '../../src/mirror/sql-schema.ts'
import type { MirrorStore } from '../../src/mirror/store.ts'
import { postgresDriver, sqliteDriver } from '../../src/storage/sql-driver.ts'

/**
 * The rules every mirror store keeps itself (`src/mirror/store.ts`), on each store: a report
 * replaces a record only if it is not older, a deletion stays deleted against older reports, the
 * key index follows a record's keys, and one owner at a time holds the lease.
 */
const connection = `m-${process.pid}-${randomBytes(3).toString('hex')}`
const stores: [string, (now?: () => number) => MirrorStore][] = [
  ['memory', (now) => new MemoryMirrorStore(now)],
  ['SQLite', (now) => new SqlMirrorStore(sqliteDriver(join(mkdtempSync(join(tmpdir(), 'gateway-mirror-')), 'm.sqlite')), connection, now)],
  ['PostgreSQL', (now) => new SqlMirrorStore(postgresDriver(POSTGRES_URL, { max: 2, connectMs: 5000, queryMs: 10_000 }), connection, now)],
]

afterAll(async () => {
  for (const table of [TABLES.records, TABLES.keys, TABLES.state, TABLES.leases]) {
    await pgQuery(`DELETE FROM ${table} WHERE connection = $1`, [connection])
  }
})

describe.each(stores)('the %s mirror store', (_name, open) => {
  it('never makes a record older, nor brings a deleted one back', async () => {
    const store = open()
    await store.clear()
    await store.apply('contacts', [{ record: { id: '1', email: 'new@acme.io' } as object as { id: string }, modifiedAt: 200 }])
    await store.apply('contacts', [{ record: { id: '1', email: 'old@acme.io' } as object as { id: string }, modifiedAt: 100 }])
    expect((await store.read('contacts', ['1'])).found.get('1')).toMatchObject({ email: 'new@acme.io' })
    await store.apply('contacts', [{ deleted: '1', modifiedAt: 300 }])
    await store.apply('contacts', [{ record: { id: '1', email: 'new@acme.io' } as object as { id: string }, modifiedAt: 250 }])
    const held = await store.read('contacts', ['1', '2'])
    expect([...held.found.keys(), ...held.gone]).toEqual(['1'])
    expect(held.gone.has('1')).toBe(true)
    expect(await store.find('contacts', 'email', ['new@acme.io'])).toEqual([])
    await store.close()
  })

  it('indexes the keys a record holds now, as matching normalizes them', async () => {
    const store = open()
    await store.clear()
    const contact = (id: string, email: string, at: number) => ({ record: { id, email, linkedinUrl: 'https://www.linkedin.com/in/Ana/' } as object as { id: string }, modifiedAt: at })
    await store.apply('contacts', [contact('1', ' Ana@Acme.IO ', 1), contact('2', 'bo@acme.io', 1)])
    expect((await store.find('contacts', 'email', ['ana@acme.io'])).map((r) => r.id)).toEqual(['1'])
    expect((await store.find('contacts', 'linkedinUrl', ['linkedin.com/in/ana'])).map((r) => r.id).sort()).toEqual(['1', '2'])
    await store.apply('contacts', [contact('1', 'ana@globex.io', 2)])
    expect(await store.find('contacts', 'email', ['ana@acme.io'])).toEqual([])
    expect((await store.find('contacts', 'email', ['ana@globex.io'])).map((r) => r.id)).toEqual(['1'])
    await store.forget('contacts', ['1'])
    expect(await store.find('contacts', 'email', ['ana@globex.io'])).toEqual([])
    expect((await store.read('contacts', ['1'])).gone.size).toBe(0)
    await store.close()
  })

  it('keeps the sweep state field by field', async () => {
    const store = open()
    await store.clear()
    await store.saveState('tasks', { watermark: 10 })
    await store.saveState('tasks', { sweptAt: 20, builtAt: 30 })
    await store.saveState('tasks', { watermark: 40 })
    expect(await store.state('tasks')).toEqual({ watermark: 40, sweptAt: 20, builtAt: 30 })
    expect(await store.state('contacts')).toEqual({})
    await store.close()
  })

  it('lends the lease to one owner until it runs out or is given back', async () => {
    let now = 1_000_000
    const store = open(() => now)
    await store.release('a')
    await store.release('b')
    expect(await store.lease('a', 1000)).toBe(true)
    expect(await store.lease('b', 1000)).toBe(false)
    now += 500
    expect(await store.lease('a', 1000)).toBe(true)
    now += 900
    expect(await store.lease('b', 1000)).toBe(false)
    now += 200
    expect(await store.lease('b', 1000)).toBe(true)
    await store.release('b')
    expect(await store.lease('a', 1000)).toBe(true)
    await store.release('a')
    await store.close()
  })
})
