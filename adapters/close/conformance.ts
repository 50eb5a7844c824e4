import { type ConformanceTarget, type ConformanceTargets, fakeHooks } from '../../src/kit/testing.ts'
import { closeError } from './fake/errors.ts'
import { OBSERVED_LIMITS } from './fake/limits.ts'
import { setUpOrganization } from './fake/organization.ts'
import { CLOSE_API_KEY, CloseFake } from './fake/server.ts'

const TAIL = '0'.repeat(43)
const ID_TAIL = '[A-Za-z0-9]{43}'
/** Every call of the task operations: tasks, their completions, and a contact's lead on create. */
const TASK_PATHS = new RegExp(
  `^(POST /api/v1/task/|(GET|PUT) /api/v1/task/(task_${ID_TAIL}/)?|GET /api/v1/activity/task_completed/|GET /api/v1/contact/cont_${ID_TAIL}/)$`,
)
const CREATE = { contacts: '/api/v1/contact/', companies: '/api/v1/lead/' }

/**
 * Close, on its fake organization (`fake/`), with the custom fields a customer adds for Enginy
 * and the limits seen on live accounts (search: 16 a second): the whole suite, with the fake's
 * failures and lost answers; once with a search that shows a new record at once, once with one
 * that shows it a minute later.
 */
async function closeTarget(searchLagMs: number): Promise<ConformanceTarget> {
  const fake = await CloseFake.start({ limits: OBSERVED_LIMITS, searchLagMs })
  const { fieldMap, taskLeadId, refs } = setUpOrganization(fake)
  return {
    connection: { adapter: 'close', apiKey: CLOSE_API_KEY, baseUrl: fake.url, fieldMap, taskLeadId },
    missingNativeId: `task_${TAIL}`,
    missingContactId: `cont_${TAIL}`,
    missingCompanyId: `lead_${TAIL}`,
    roundTripTypes: [],
    refs,
    // A contact is on one lead, and an activity's contact must be on the lead it is logged on
    // (FACTS.md); that activities and tasks need a record, and tasks cannot move, the ports say.
    constraints: { contactOnCompany: true },
    // A search answers 200 records a page.
    pageSize: 200,
    ...fakeHooks(fake.http, {
      auth: closeError.unauthorized(),
      // A window Close says resets in an hour: longer than any request waits.
      rateLimited: {
        status: 429,
        headers: { ratelimit: 'limit=16, remaining=0, reset=3600' },
        body: { error: { message: 'Too many calls.', rate_reset: 3600, rate_limit: 16, rate_window: 1, rate_limit_type: 'key', rate_endpoint_group: 'search' } },
      },
      isCreate: (kind, request) => request.method === 'POST' && request.path === CREATE[kind],
    }),
    taskPaths: TASK_PATHS,
    close: async () => {
      const problems = [
        ...fake.violations,
        ...(fake.limits.limited.key + fake.limits.limited.org > 0 ? ["calls over Close's rate limits"] : []),
        ...(fake.redirects > 0 ? ['paths without their trailing slash'] : []),
      ]
      await fake.close()
      if (problems.length > 0) throw new Error(`requests Close would refuse: ${problems.join('; ')}`)
    },
  }
}

const targets: ConformanceTargets = {
  close: () => closeTarget(0),
  // Search a minute behind the records, as Close's index can be: lookups of what the gateway just
  // wrote rest on what it remembers, lost creates on the event log.
  'close, search a minute behind': () => closeTarget(60_000),
}
export default targets
