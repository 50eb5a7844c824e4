import { type ConformanceTargets, fakeHooks } from '../../src/kit/testing.ts'
import { PIPEDRIVE_FIELD_MAP } from './fake/gateway.ts'
import { PIPEDRIVE_TASK_PATHS, PIPEDRIVE_TOKEN, PipedriveFake } from './fake/pipedrive.ts'

/** Search's own window, ten times shorter than Pipedrive's 2 s so the suite runs quickly; the
 * gateway is told the same. */
const SEARCH_WINDOW_MS = 200
/** A create of a person or an organization: what the CRM may apply while the answer is lost. */
const CREATE = { contacts: '/api/v2/persons', companies: '/api/v2/organizations' }

/**
 * Pipedrive, on its fake company (`fake/`), with the custom fields a customer adds for Enginy: the
 * whole suite, with the fake's failures and lost answers. Its search shows a record at once here:
 * with a search that lags, a sync by LinkedIn URL or name just after the export misses the record
 * (the adapter remembers what it made for the keys it looked up only, `recall.ts`); the lost
 * creates under search lag are `lost-creates.test.ts`'s.
 */
const targets: ConformanceTargets = {
  pipedrive: async () => {
    const fake = await PipedriveFake.start({ searchWindowMs: SEARCH_WINDOW_MS })
    return {
      connection: {
        adapter: 'pipedrive',
        apiToken: PIPEDRIVE_TOKEN,
        baseUrl: fake.url,
        typeMap: { call: 'call', email: 'email', meeting: 'meeting', todo: 'task', lunch: 'lunch' },
        defaultType: 'task',
        fieldMap: PIPEDRIVE_FIELD_MAP,
        rateLimits: { search: { requests: 10, intervalMs: SEARCH_WINDOW_MS } },
      },
      missingNativeId: '999999',
      missingContactId: '999998',
      missingCompanyId: '999997',
      roundTripTypes: ['call', 'email', 'meeting', 'todo'],
      refs: { ownerId: '1002', contactId: '31', companyId: '41' },
      // A list by ids answers at most 100 records.
      pageSize: 100,
      ...fakeHooks(fake.http, {
        auth: { status: 401, body: { success: false, error: 'unauthorized access', errorCode: 401 } },
        // The company's daily token budget spent: Pipedrive's 429, with the budget headers the live API sends.
        rateLimited: {
          status: 429,
          headers: { 'x-daily-ratelimit-token-limit': '30000', 'x-daily-ratelimit-token-remaining': '0' },
          body: { success: false, error: 'Daily token budget exceeded', errorCode: 429 },
        },
        isCreate: (kind, request) => request.method === 'POST' && request.path === CREATE[kind],
      }),
      taskPaths: PIPEDRIVE_TASK_PATHS,
      close: async () => {
        const problems = [...fake.violations, ...(fake.searchLimited + fake.http.rateLimited > 0 ? ["requests over Pipedrive's burst limits"] : [])]
        await fake.close()
        if (problems.length > 0) throw new Error(`requests Pipedrive would refuse: ${problems.join('; ')}`)
      },
    }
  },
}
export default targets
