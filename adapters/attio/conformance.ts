import { type ConformanceTargets, fakeHooks } from '../../src/kit/testing.ts'
import { ATTIO_FIELD_MAP, addEnginyAttributes } from './fake/gateway.ts'
import { ATTIO_TOKEN, AttioFake } from './fake/server.ts'

/** Ten times Attio's limits (100 reads and 25 writes a second), on the fake and in the
 * connection alike, so that the suite's hundreds of records take seconds, not minutes. */
const READS_PER_SECOND = 1000
const WRITES_PER_SECOND = 250
const OBJECT = { contacts: 'people', companies: 'companies' } as const

/** Any id of Attio's form the fake never makes (it makes version 4 UUIDs). */
const missing = (n: number) => `00000000-0000-0000-0000-00000000000${n}`

/**
 * Attio, on its fake workspace (`fake/`), with the custom attributes a customer adds for Enginy:
 * the whole suite, with the fake's failures and lost answers.
 */
const targets: ConformanceTargets = {
  attio: async () => {
    const fake = await AttioFake.start({ readsPerSecond: READS_PER_SECOND, writesPerSecond: WRITES_PER_SECOND })
    addEnginyAttributes(fake)
    const contactId = fake.seed('people', { email_addresses: ['reference@people.example'], name: [{ first_name: 'Ref', last_name: 'Erence' }] })
    const companyId = fake.seed('companies', { domains: ['reference.example'], name: 'Reference Inc' })
    return {
      connection: {
        adapter: 'attio',
        accessToken: ATTIO_TOKEN,
        baseUrl: fake.url,
        fieldMap: ATTIO_FIELD_MAP,
        rateLimits: { reads: { requests: READS_PER_SECOND, intervalMs: 1000 }, writes: { requests: WRITES_PER_SECOND, intervalMs: 1000 } },
      },
      missingNativeId: missing(1),
      missingContactId: missing(2),
      missingCompanyId: missing(3),
      refs: { ownerId: fake.workspace.members[0]!.id, contactId, companyId },
      // `records/query` answers 500 records a page by default.
      pageSize: 500,
      ...fakeHooks(fake.http, {
        auth: { status: 401, body: { status_code: 401, type: 'auth_error', code: 'unauthorized', message: 'Authentication failed.' } },
        // A window closed for longer than any request waits: Attio's 429, its Retry-After an HTTP date.
        rateLimited: {
          status: 429,
          headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() },
          body: { status_code: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit exceeded, please try again later' },
        },
        isCreate: (kind, request) => (request.method === 'PUT' || request.method === 'POST') && request.path === `/v2/objects/${OBJECT[kind]}/records`,
      }),
      taskPaths: /^(GET|PATCH) \/v2\/tasks\/[0-9a-f-]{36}$|^(GET|POST) \/v2\/tasks$|^GET \/v2\/objects$/,
      close: async () => {
        const problems = [...fake.violations, ...(fake.limits.limited > 0 ? [`${fake.limits.limited} requests over Attio's rate limits`] : [])]
        await fake.close()
        if (problems.length > 0) throw new Error(`requests Attio would refuse: ${problems.join('; ')}`)
      },
    }
  },
}
export default targets
