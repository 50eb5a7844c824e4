import { describeAdapterConformance } from '../../test/conformance/suite.ts'

describeAdapterConformance('memory', async () => ({
  // A small native batch so the suite's batches span several chunks; users so that GET /users
  // is checked as a list, not as a 404; links so that they are checked.
  connection: {
    adapter: 'memory',
    maxBatch: 4,
    links: { contacts: 'https://crm.example.com/people/{id}', companies: 'https://crm.example.com/companies/{id}' },
    users: [
      { id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' },
      { id: 'u-2', name: 'Bo Lind' },
    ],
  },
  missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
  close: async () => {},
}))
