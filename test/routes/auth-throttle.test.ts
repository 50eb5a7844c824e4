import { builtinAdapters } from '../../adapters/index.ts'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load.ts'
import { KEY, headers, testApp } from '../helpers/app.ts'

const GUESSER = '198.51.100.7'
const CLIENT = '203.0.113.9'
const METRICS_TOKEN = 'scrape-token-0123456789'
/** A burst of 20, refilled by one a minute: no refill within a test, so the counts are exact. */
const failures = { burst: 20, perMinute: 1 }

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!

/**
 * Failed authentications are limited per client address (`src/http/auth-failures.ts`): 300 wrong
 * keys from one client were answered 401 at full speed, 300 guesses in 0.4 s.
 */
describe('failed authentications, per client address', () => {
  let app: FastifyInstance
  afterEach(() => app?.close())

  const from = (remoteAddress: string, options: InjectOptions) => app.inject({ ...options, remoteAddress })
  const guess = (i: number, address = GUESSER) => from(address, { method: 'GET', url: '/health', headers: { 'x-api-key': `wrong-key-${i}` } })
  const valid = async (address = CLIENT) => {
    const started = performance.now()
    const res = await from(address, { method: 'POST', url: '/tasks/batch', headers, payload: { ids: [] } })
    return { res, ms: performance.now() - started }
  }
  const metric = async (name: string) => {
    const text = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body
    return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1])
  }

  it('answers 429 with Retry-After past the burst, while a valid key from another address is served as before (latencies printed)', async () => {
    app = await testApp({ auth: { failures }, metrics: { token: METRICS_TOKEN } })
    await valid()
    // The same rounds with valid keys of a third address beside it, for comparison: within one
    // event loop, a request's time includes its neighbours'.
    const beside: number[] = []
    for (let round = 0; round < 30; round++) {
      const [served] = await Promise.all([valid(), ...Array.from({ length: 10 }, () => valid('192.0.2.200'))])
      beside.push(served.ms)
    }

    const statuses: number[] = []
    const meanwhile: number[] = []
    for (let round = 0; round < 30; round++) {
      const guesses = Array.from({ length: 10 }, (_, i) => guess(round * 10 + i))
      const [served, ...answers] = await Promise.all([valid(), ...guesses])
      expect(served.res.statusCode).toBe(200)
      meanwhile.push(served.ms)
      for (const answer of answers) {
        statuses.push(answer.statusCode)
        if (answer.statusCode === 429) {
          expect(answer.json()).toEqual({
            statusCode: 429,
            error: 'Too Many Requests',
            message: expect.stringMatching(/^too many failed authentications from this address; retry after \d+ s$/),
            code: 'AUTH_THROTTLED',
          })
          expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1)
        }
      }
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(20)
    expect(statuses.filter((status) => status === 429)).toHaveLength(280)

    const sorted = (ms: number[]) => [...ms].sort((a, b) => a - b)
    const [before, during] = [sorted(beside), sorted(meanwhile)]
    console.log(
      `a valid key, 30 times, each beside 10 requests of another address: p50 ${percentile(before, 0.5).toFixed(2)} ms, max ${before.at(-1)!.toFixed(2)} ms ` +
        `beside valid keys; p50 ${percentile(during, 0.5).toFixed(2)} ms, max ${during.at(-1)!.toFixed(2)} ms beside the 300 wrong keys`,
    )

    expect(await metric('gateway_auth_failures_total')).toBe(20)
    expect(await metric('gateway_auth_throttled_total')).toBe(280)
  })

  it('answers the throttled address 429 before looking at its key, a valid one too, and leaves the keyless routes and a fresh address alone', async () => {
    app = await testApp({ auth: { failures }, metrics: { token: METRICS_TOKEN } })
    for (let i = 0; i < 20; i++) expect((await guess(i)).statusCode).toBe(401)
    const refused = await valid(GUESSER)
    expect(refused.res.statusCode).toBe(429)
    expect(refused.res.json().code).toBe('AUTH_THROTTLED')
    expect(Number(refused.res.headers['retry-after'])).toBeGreaterThan(1)

    expect((await from(GUESSER, { method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    expect((await from(GUESSER, { method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    // The memory adapter has no UI to link to: its bare 404, not a 429.
    expect((await from(GUESSER, { method: 'GET', url: '/links/contacts/local.AAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(404)

    expect((await valid('203.0.113.10')).res.statusCode).toBe(200)
    expect(await metric('gateway_auth_throttled_total')).toBe(1)
  })

  it('counts an IPv6 client by its /64: a new address in it for every guess is the same client', async () => {
    app = await testApp({ auth: { failures } })
    for (let i = 0; i < 20; i++) expect((await guess(i, `2001:db8:7:7::${(i + 1).toString(16)}`)).statusCode).toBe(401)
    expect((await guess(20, '2001:db8:7:7:abcd::1')).statusCode).toBe(429)
    expect((await valid('2001:db8:7:8::1')).res.statusCode).toBe(200)
  })

  it('counts and throttles guesses of the metrics token alike; /readyz without a token is never throttled', async () => {
    app = await testApp({ auth: { failures }, metrics: { token: METRICS_TOKEN } })
    const scrape = (token: string) => from(GUESSER, { method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })
    for (let i = 0; i < 10; i++) expect((await scrape(`guess-${i}`)).statusCode).toBe(401)
    for (let i = 0; i < 10; i++) expect((await from(GUESSER, { method: 'GET', url: '/readyz', headers: { authorization: `Bearer r-${i}` } })).statusCode).toBe(401)
    const throttled = await scrape(METRICS_TOKEN)
    expect(throttled.statusCode).toBe(429)
    expect(throttled.json().code).toBe('AUTH_THROTTLED')
    expect((await from(GUESSER, { method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' })
    expect((await valid(GUESSER)).res.statusCode).toBe(429)
  })

  it('behind a trusted proxy, counts each client by the address the proxy names: one guessing leaves the others alone', async () => {
    const proxy = '10.0.0.2'
    app = await testApp({ auth: { failures }, trustProxy: ['10.0.0.0/24'] })
    const via = (client: string, key: string) =>
      from(proxy, { method: 'GET', url: '/health', headers: { 'x-api-key': key, 'x-forwarded-for': `${client}` } })
    for (let i = 0; i < 20; i++) expect((await via(GUESSER, `wrong-${i}`)).statusCode).toBe(401)
    expect((await via(GUESSER, KEY)).statusCode).toBe(429)
    expect((await via(CLIENT, KEY)).statusCode).toBe(200)
    // The client's own X-Forwarded-For is left of the proxy's entry, and not believed.
    expect((await via(`192.0.2.1, ${GUESSER}`, KEY)).statusCode).toBe(429)
  })

  it("without trustProxy, believes no X-Forwarded-For: a guesser cannot take a new address for each guess, nor spend another client's", async () => {
    app = await testApp({ auth: { failures } })
    for (let i = 0; i < 20; i++) {
      const res = await from(GUESSER, { method: 'GET', url: '/health', headers: { 'x-api-key': `wrong-${i}`, 'x-forwarded-for': `192.0.2.${i}` } })
      expect(res.statusCode).toBe(401)
    }
    expect((await from(GUESSER, { method: 'GET', url: '/health', headers: { ...headers, 'x-forwarded-for': '192.0.2.99' } })).statusCode).toBe(429)
    expect((await from('192.0.2.3', { method: 'GET', url: '/health', headers })).statusCode).toBe(200)
  })

  it('refuses a trustProxy entry that is not an address or a CIDR range, naming it', async () => {
    const config = (trustProxy: string[]) => resolveConfig({ auth: { apiKeys: [KEY] }, connections: { local: { adapter: 'memory' } }, active: 'local', trustProxy }, process.env, builtinAdapters)
    await expect(config(['10.0.0.0/8', 'fd00::/8', '192.0.2.1'])).resolves.toMatchObject({ trustProxy: ['10.0.0.0/8', 'fd00::/8', '192.0.2.1'] })
    await expect(config(['10.0.0.0/33'])).rejects.toThrow('trustProxy[0]: "10.0.0.0/33" is not an IP address or a CIDR range')
    await expect(config(['10.0.0.1', 'load-balancer'])).rejects.toThrow('trustProxy[1]: "load-balancer" is not an IP address or a CIDR range')
  })
})
