import { describeAdapterConformance } from '../../test/conformance/suite.ts'

describeAdapterConformance('memory', async () => ({
  // A small native batch so the suite's batches span several chunks.
  connection: { adapter: 'memory', maxBatch: 4 },
  missingNativeId: 'AAAAAAAAAAAAAAAAAAAAAA',
  close: async () => {},
}))
