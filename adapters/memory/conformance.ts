import { type ConformanceTargets, withCrmFailures } from '../../src/kit/testing.ts'
import memory from './index.ts'

/** An extra field the connection keeps in a field of its own, as a fieldMap names it. */
const FIELD_MAP = { contacts: { campaignOpens: 'enginy_opens' }, companies: { campaignOpens: 'enginy_opens' } }

/**
 * The memory adapter, whose "CRM" is its own maps: failures and lost answers on demand come from
 * `withCrmFailures`. A small native batch so the suite's batches span several chunks; users so that
 * GET /users is checked as a list, not as a 404; links so that they are checked.
 */
const targets: ConformanceTargets = {
  memory: async () => {
    const { registry, hooks } = withCrmFailures('memory', memory)
    return {
      connection: {
        adapter: 'memory',
        maxBatch: 4,
        links: { contacts: 'https://crm.example.com/people/{id}', companies: 'https://crm.example.com/companies/{id}' },
        users: [
          { id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' },
          { id: 'u-2', name: 'Bo Lind' },
        ],
        fieldMap: FIELD_MAP,
      },
      registry,
      missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
      missingContactId: 'AAAAAAAAAAAAAAAAAAAAAB',
      missingCompanyId: 'AAAAAAAAAAAAAAAAAAAAAC',
      ...hooks,
      close: async () => {},
    }
  },
}
export default targets
