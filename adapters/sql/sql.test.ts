import { describe, expect, it } from 'vitest'
import { testApp } from '../../src/kit/testing.ts'
import { POSTGRES_URL, tempFile } from './testing.ts'

describe('sql adapter options', () => {
  it('refuses both a file and a url', async () => {
    await expect(testApp({ connections: { own: { adapter: 'sql', file: 'a.sqlite', url: POSTGRES_URL } } })).rejects.toThrow(
      'config: connections.own: set either file (SQLite) or url (PostgreSQL), not both',
    )
  })

  it('refuses an SQLite database in memory, which a reload or a stop would empty', async () => {
    await expect(testApp({ connections: { own: { adapter: 'sql', file: ':memory:' } } })).rejects.toThrow(
      'config: connections.own.file: ":memory:" would lose every record at a reload or a stop; use a file, or adapter memory',
    )
  })

  it('refuses a tasks table that is one of the prefix tables', async () => {
    await expect(testApp({ connections: { own: { adapter: 'sql', file: tempFile(), prefix: 'crm', table: 'crm_contacts' } } })).rejects.toThrow(
      'table "crm_contacts" is one of the tables of prefix "crm"',
    )
  })

  it('refuses a prefix that leaves no room for the index names', async () => {
    await expect(testApp({ connections: { own: { adapter: 'sql', file: tempFile(), prefix: 'p'.repeat(31) } } })).rejects.toThrow(/prefix/)
  })
})
