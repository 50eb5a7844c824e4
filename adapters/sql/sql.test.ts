import { describe, expect, it } from 'vitest'
import { describeAdapterConformance } from '../../test/conformance/suite.ts'
import { testApp } from '../../test/helpers/app.ts'
import { POSTGRES_URL, dropTables, flakyProxy, postgresConnection, tempFile, uniquePrefix } from './testing.ts'

describeAdapterConformance('sql on SQLite', async () => ({
  // With users and links, so that the suite checks them too (the PostgreSQL run goes without).
  connection: {
    adapter: 'sql',
    file: tempFile(),
    users: [{ id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' }],
    links: { contacts: 'https://crm.example.com/people/{id}', companies: 'https://crm.example.com/companies/{id}' },
  },
  missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
  close: async () => {},
}))

const prefix = uniquePrefix('conform')
describeAdapterConformance('sql on PostgreSQL', async () => {
  // Through a proxy that can cut the database off: the suite's checks of a failing CRM run too.
  const proxy = await flakyProxy({ up: true })
  return {
    connection: postgresConnection(prefix, proxy.url),
    missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
    // A database has no credentials to reject apart from the connection's: both are an outage.
    breakUpstream: () => proxy.break(),
    heal: () => proxy.heal(),
    close: async () => {
      await proxy.close()
      await dropTables(prefix)
    },
  }
})

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
