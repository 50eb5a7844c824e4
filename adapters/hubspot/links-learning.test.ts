import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { breakerState, headers, KEY, LINK_TOKEN, type Step, testAppFromConfig, testConfig, waitFor } from '../../src/kit/testing.ts'
import { error } from './fake/answers.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'

const ACCOUNT_INFO = '/account-info/2026-09/details'
const TASK = '90000000777'

/** p50 and the slowest of some milliseconds, for the record. */
function spread(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b)
  return `p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`
}

/**
 * Keyless link requests on a HubSpot connection without `portalId`, whose token cannot read
 * account-info (403), then while account-info fails (500): a link never calls HubSpot, the
 * portal is learned in the background with back-off, and the tenant's own calls go on as if no
 * link had been asked for.
 */
describe('hubspot links learn the portal outside any request', () => {
  let fake: HubSpotFake
  let app: FastifyInstance
  let accountInfo: Step | undefined = error(403, 'MISSING_SCOPES', "This app hasn't been granted all required scopes to make this call.")

  const config = (linkTokens: string) => ({
    auth: { apiKeys: [KEY], linkTokens },
    health: { intervalMs: 0 },
    connections: {
      hubspot: {
        adapter: 'hubspot',
        accessToken: HUBSPOT_TOKEN,
        baseUrl: fake.url,
        // One counted failure would open it: a link's call, or the learner's, must not count.
        breaker: { failures: 1, cooldownMs: 60_000 },
        // The tenant's budget: a link that took from it would slow the tenant's calls.
        rateLimit: { requests: 50, intervalMs: 1000 },
      },
    },
    active: 'hubspot',
  })

  beforeAll(async () => {
    fake = await HubSpotFake.start()
    fake.seed(1, Number(TASK))
    const healthy = fake.http.handler
    fake.http.handler = (request) => (request.path === ACCOUNT_INFO && accountInfo ? accountInfo : healthy(request))
    app = await testAppFromConfig(config(LINK_TOKEN))
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
    expect(fake.violations).toEqual([])
  })

  const accountInfoCalls = () => fake.http.requests.filter((r) => r.path === ACCOUNT_INFO)
  const otherCalls = () => fake.http.requests.filter((r) => r.path !== ACCOUNT_INFO).length
  const link = (i: number): Promise<LightMyRequestResponse> =>
    app.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/${i % 2 ? 'companies' : 'contacts'}/hubspot.${501 + (i % 3)}` })
  const getTask = async () => {
    const started = performance.now()
    const res = await app.inject({ method: 'GET', url: `/tasks/hubspot.${TASK}`, headers })
    return { res, ms: performance.now() - started }
  }
  /** `clients` keyless clients asking for links one after another until `until` resolves. */
  const hammer = async (clients: number, until: Promise<unknown>) => {
    let done = false
    let sent = 0
    const statuses = new Set<number>()
    const stop = () => {
      done = true
    }
    void until.then(stop, stop)
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (!done) {
          statuses.add((await link(sent++)).statusCode)
          await new Promise((resolve) => setImmediate(resolve))
        }
      }),
    )
    return { sent, statuses: [...statuses] }
  }

  it('answers every link 404 with no CRM call while account-info refuses (403), then fails (500); the tenant sees nothing of it', async () => {
    await waitFor(() => accountInfoCalls()[0]?.status === 403)
    // The learner's next try meets a 500.
    accountInfo = error(500, 'INTERNAL_ERROR', 'internal error')
    const before = otherCalls()
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => link(i)))
    expect(new Set(answers.map((res) => `${res.statusCode} ${res.body}`))).toEqual(new Set([`404 ${JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'no link', code: 'LINK_NOT_FOUND' })}`]))
    expect(otherCalls() - before, 'no call on the request path').toBe(0)
    expect(accountInfoCalls().length, "20 links, and account-info only as the learner's back-off says").toBeLessThanOrEqual(2)

    const quiet: number[] = []
    for (let i = 0; i < 20; i++) quiet.push((await getTask()).ms)
    await waitFor(() => accountInfoCalls().some((r) => r.status === 500))
    const loud: number[] = []
    const tenant = (async () => {
      for (let i = 0; i < 20; i++) {
        const { res, ms } = await getTask()
        expect(res.statusCode, 'the tenant is served, not a 503 of an open breaker').toBe(200)
        loud.push(ms)
      }
    })()
    const tenantBefore = otherCalls()
    const hammered = await hammer(4, tenant)
    await tenant
    expect(hammered.statuses).toEqual([404])
    expect(otherCalls() - tenantBefore, "the only calls are the tenant's own 20 reads").toBeLessThanOrEqual(20)
    expect(breakerState(app, 'hubspot')).toBe('closed')
    console.log(
      `GET /tasks/:id: ${spread(quiet)} without links; ${spread(loud)} while 4 keyless clients asked for ${hammered.sent} links (0 CRM calls); account-info calls so far: ${accountInfoCalls().length}`,
    )
  })

  it('redirects to the portal once account-info answers, still without a call on the request path', async () => {
    accountInfo = undefined
    const before = fake.http.requests.length - accountInfoCalls().length
    const contactLink = `/links/${LINK_TOKEN}/contacts/hubspot.501`
    await waitFor(async () => (await app.inject({ method: 'GET', url: contactLink })).statusCode === 302)
    const contact = await app.inject({ method: 'GET', url: contactLink })
    expect(contact.headers.location).toBe(`https://app.hubspot.com/contacts/${fake.portalId}/record/0-1/501`)
    const company = await app.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/companies/hubspot.701` })
    expect(company.headers.location).toBe(`https://app.hubspot.com/contacts/${fake.portalId}/record/0-2/701`)
    expect(otherCalls() - before, 'the links asked while waiting, and these, called nothing').toBe(0)
    const statuses = accountInfoCalls().map((r) => r.status)
    // 403 at start, 500 at each try after it (0.5-1 s, then 1-2 s, 2-4 s later), one 200.
    expect(statuses[0]).toBe(403)
    expect(statuses.slice(1, -1).every((status) => status === 500)).toBe(true)
    expect(statuses.filter((status) => status === 200)).toHaveLength(1)
    expect(statuses.length, 'one read per try of the back-off, whatever the links asked').toBeLessThanOrEqual(5)
    console.log(`account-info calls by the background learner over the test: ${statuses.length} (${statuses.join(', ')})`)
  })

  it('keeps the learned portal through a reload that rotates the token: the new token redirects at once, with no call', async () => {
    const next = `${LINK_TOKEN}-next`
    const before = fake.http.requests.length
    await app.gateway.apply(await testConfig(config(next)))
    const res = await app.inject({ method: 'GET', url: `/links/${next}/contacts/hubspot.502` })
    expect(res.headers.location).toBe(`https://app.hubspot.com/contacts/${fake.portalId}/record/0-1/502`)
    expect((await app.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/contacts/hubspot.502` })).statusCode, 'the token taken out').toBe(404)
    expect(fake.http.requests.length - before).toBe(0)
  })
})
