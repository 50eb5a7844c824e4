import { type ConformanceTargets, withCrmFailures } from '../../src/kit/testing.ts'
import sql from './index.ts'
import { dropTables, flakyProxy, postgresConnection, tempFile, uniquePrefix } from './testing.ts'

/**
 * The sql adapter on SQLite and on PostgreSQL. SQLite, embedded, neither fails nor loses an answer
 * on demand: those checks skip for it. PostgreSQL is reached through a proxy that can cut it off
 * (an outage; a database has no credentials to reject apart from the connection's, so a refusal is
 * an outage too), and `withCrmFailures` loses the answer of an insert it made.
 */
const targets: ConformanceTargets = {
  // With users, links and an extra field in a fieldMap, so that the suite checks them too (the
  // PostgreSQL run goes without).
  'sql on SQLite': async () => ({
    connection: {
      adapter: 'sql',
      file: tempFile(),
      users: [{ id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' }],
      links: { contacts: 'https://crm.example.com/people/{id}', companies: 'https://crm.example.com/companies/{id}' },
      fieldMap: { contacts: { campaignOpens: 'enginy_opens' }, companies: { campaignOpens: 'enginy_opens' } },
    },
    missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
    missingContactId: 'AAAAAAAAAAAAAAAAAAAAAB',
    missingCompanyId: 'AAAAAAAAAAAAAAAAAAAAAC',
    close: async () => {},
  }),
  'sql on PostgreSQL': async () => {
    const prefix = uniquePrefix('conform')
    const proxy = await flakyProxy({ up: true })
    const { registry, hooks } = withCrmFailures('sql', sql, [])
    return {
      connection: postgresConnection(prefix, proxy.url),
      registry,
      missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
      missingContactId: 'AAAAAAAAAAAAAAAAAAAAAB',
      missingCompanyId: 'AAAAAAAAAAAAAAAAAAAAAC',
      breakUpstream: { unavailable: () => proxy.break(), auth: () => proxy.break() },
      heal: () => proxy.heal(),
      loseNextCreate: hooks.loseNextCreate,
      close: async () => {
        await proxy.close()
        await dropTables(prefix)
      },
    }
  },
}
export default targets
