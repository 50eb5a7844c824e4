import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../conformance/fakes/simple-crm.ts'
import type { HttpFake } from '../conformance/fakes/http-fake.ts'
import { headers, testApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'

const METRICS_TOKEN = 'scrape-token-7d1e4a'
const scraper = { authorization: `Bearer ${METRICS_TOKEN}` }

describe('/healthz, /readyz and /metrics', () => {
  let app: FastifyInstance
  const fakes: HttpFake[] = []
  afterEach(async () => {
    await app?.close()
    await Promise.all(fakes.splice(0).map((fake) => fake.close()))
  })

  const crm = async () => {
    const fake = await startSimpleCrm()
    fakes.push(fake)
    return fake
  }
  const connection = (fake: HttpFake, extra: Record<string, unknown> = {}) => ({
    adapter: 'simple',
    baseUrl: fake.url,
    token: SIMPLE_TOKEN,
    retry: { maxRetries: 0 },
    breaker: { failures: 100 },
    ...extra,
  })
  const start = async (extra: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) => {
    const fake = await crm()
    app = await testApp({
      connections: { crm: connection(fake, settings) },
      registry: simpleRegistry,
      health: { intervalMs: 100, timeoutMs: 1000 },
      metrics: { token: METRICS_TOKEN },
      ...extra,
    })
    return fake
  }

  const get = (url: string, extra: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: extra })
  const metrics = async () => (await get('/metrics', scraper)).body
  const up = async (name: string) => new RegExp(`gateway_connection_up\\{connection="${name}"\\} (\\d)`).exec(await metrics())?.[1]
  const breaker = async (name: string) => new RegExp(`gateway_circuit_breaker_state\\{connection="${name}"\\} (\\d)`).exec(await metrics())?.[1]
  const detail = async (name: string) =>
    ((await get('/readyz', scraper)).json().connections as { name: string; lastCheck?: Record<string, unknown> }[]).find((c) => c.name === name)

  it("keeps /readyz 200 while the active CRM is down, and shows it in /metrics and the tenant's GET /health", async () => {
    const fake = await start()
    await waitFor(async () => (await up('crm')) === '1')
    expect((await get('/health', headers)).json()).toEqual({ status: 'ok' })
    const healthy = fake.handler
    fake.handler = () => ({ status: 503 })
    await waitFor(async () => (await up('crm')) === '0')
    const ready = await get('/readyz')
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ status: 'ready', configVersion: 1, coordination: 'local' })
    expect((await get('/healthz')).statusCode).toBe(200)
    const health = await get('/health', headers)
    expect(health.statusCode).toBe(502)
    expect(health.json().code).toBe('UPSTREAM_UNAVAILABLE')
    fake.handler = healthy
    await waitFor(async () => (await up('crm')) === '1')
    expect((await get('/health', headers)).statusCode).toBe(200)
  })

  it.each([
    ['404 (a wrong baseUrl)', { status: 404, body: { error: 'no route' } }],
    ['302 (a login page)', { status: 302, headers: { location: 'https://login.example/' } }],
  ])('marks the connection down while its check is answered %s: only a 2xx passes', async (_name, step) => {
    const fake = await start()
    await waitFor(async () => (await up('crm')) === '1')
    const healthy = fake.handler
    fake.handler = (r) => (r.path === '/me' ? step : healthy(r))
    await waitFor(async () => (await up('crm')) === '0')
    const { lastCheck } = (await detail('crm'))!
    expect(lastCheck).toMatchObject({ ok: false, code: 'UPSTREAM_UNEXPECTED_STATUS' })
    expect(lastCheck!.message).toContain(`answered ${step.status} to GET /me`)
    expect((await get('/readyz')).statusCode).toBe(200)
    fake.handler = healthy
    await waitFor(async () => (await up('crm')) === '1')
  })

  it.each([400, 409, 422])("answers the tenant's GET /health 502 when the CRM answers its check %i: the check sends nothing of the caller's to refuse", async (status) => {
    const fake = await crm()
    app = await testApp({ connections: { crm: connection(fake) }, registry: simpleRegistry, health: { intervalMs: 0 } })
    const healthy = fake.handler
    fake.handler = (r) => (r.path === '/me' ? { status, body: { error: 'malformed request' } } : healthy(r))
    const health = await get('/health', headers)
    expect(health.statusCode).toBe(502)
    expect(health.json()).toMatchObject({ code: 'UPSTREAM_UNEXPECTED_STATUS', message: expect.stringContaining(`answered ${status} to GET /me`) })
    expect(fake.count('GET', '/me')).toBe(1)
    fake.handler = healthy
    expect((await get('/health', headers)).statusCode).toBe(200)
  })

  it('keeps the connection up while the CRM rate-limits the checks, or while every concurrency slot is busy', async () => {
    const fake = await start({ limits: { requestTimeoutMs: 2500 } }, { concurrency: 1 })
    await waitFor(async () => (await up('crm')) === '1')
    const healthy = fake.handler
    let checks = 0
    fake.handler = (r) => {
      if (r.path !== '/me') return healthy(r)
      checks++
      return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } }
    }
    // The first 429 pauses the connection for its Retry-After; the checks meanwhile are refused
    // by the gateway's own limiter, and the one after the pause draws a 429 again.
    await waitFor(async () => checks >= 2)
    expect(await up('crm')).toBe('1')
    expect((await get('/health', headers)).statusCode).toBe(200)

    // A read that never answers holds the connection's only slot; checks must not queue behind it.
    checks = 0
    fake.handler = (r) => {
      if (r.path !== '/me') return { hang: true }
      checks++
      return healthy(r)
    }
    let readDone = false
    const reading = app.inject({ method: 'GET', url: '/tasks/crm.777', headers }).finally(() => {
      readDone = true
    })
    await waitFor(async () => fake.count('POST', '/tasks/read') === 1)
    await waitFor(async () => checks >= 3)
    expect(readDone).toBe(false)
    expect(await up('crm')).toBe('1')
    expect((await reading).statusCode).toBe(504)
  })

  it('counts requests, upstream attempts and retries, and shows connection state, breaker state and config version', async () => {
    await start()
    await waitFor(async () => (await up('crm')) === '1')
    await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'counted' } })
    const text = await metrics()
    expect(text).toMatch(/gateway_http_requests_total\{route="\/tasks",method="POST",status="201"\} 1/)
    expect(text).toMatch(/gateway_upstream_calls_total\{connection="crm",route="\/tasks",outcome="201",attempt="0"\} 1/)
    expect(text).toMatch(/gateway_circuit_breaker_state\{connection="crm"\} 0/)
    expect(text).toMatch(/gateway_connection_up\{connection="crm"\} 1/)
    expect(text).toMatch(/gateway_connection_last_check_timestamp_seconds\{connection="crm"\} \d/)
    expect(text).toMatch(/gateway_config_version 1/)
    expect(text).toMatch(/gateway_http_request_duration_seconds_bucket/)
    expect(text).toMatch(/gateway_rate_limit_wait_seconds_count\{connection="crm"\}/)
  })

  it('guards /metrics and the /readyz detail with the metrics token when one is configured', async () => {
    app = await testApp({ metrics: { token: 'scrape-me' } })
    expect((await get('/metrics')).statusCode).toBe(401)
    expect((await get('/metrics', { authorization: 'Bearer wrong' })).statusCode).toBe(401)
    const ok = await get('/metrics', { authorization: 'Bearer scrape-me' })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-type']).toContain('text/plain')

    const refused = await get('/readyz', { authorization: 'Bearer wrong' })
    expect(refused.statusCode).toBe(401)
    expect(refused.json().code).toBe('UNAUTHORIZED')
    expect((await get('/readyz')).json()).toEqual({ status: 'ready', configVersion: 1, coordination: 'local' })
    expect((await get('/readyz', { authorization: 'Bearer scrape-me' })).json().connections).toEqual([{ name: 'local', tenants: ['default'] }])
  })

  it('offers no /readyz detail without a metrics token: there is nothing to present', async () => {
    app = await testApp()
    expect((await get('/readyz', { authorization: 'Bearer anything' })).statusCode).toBe(401)
    expect((await get('/metrics')).statusCode).toBe(200)
  })

  it("stays ready when one tenant's CRM refuses its token: the other tenant is served, the failure shows in /metrics and in that tenant's GET /health only", async () => {
    const refusing = await crm()
    const working = await crm()
    app = await testApp({
      connections: { 'acme-crm': connection(refusing, { token: 'revoked-token' }), 'globex-crm': connection(working) },
      tenants: {
        acme: { apiKeys: ['acme-key-0123456789'], active: 'acme-crm' },
        globex: { apiKeys: ['globex-key-0123456789'], active: 'globex-crm' },
      },
      registry: simpleRegistry,
      health: { intervalMs: 100, timeoutMs: 1000 },
      metrics: { token: METRICS_TOKEN },
    })
    const acme = { ...headers, 'x-api-key': 'acme-key-0123456789' }
    const globex = { ...headers, 'x-api-key': 'globex-key-0123456789' }
    await waitFor(async () => (await up('acme-crm')) === '0' && (await up('globex-crm')) === '1')

    const ready = await get('/readyz')
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ status: 'ready', configVersion: 1, coordination: 'local' })
    for (const name of ['acme', 'globex', 'crm', 'revoked', 'credentials', 'rejected']) expect(ready.body).not.toContain(name)

    const created = await app.inject({ method: 'POST', url: '/tasks', headers: globex, payload: { subject: 'still served' } })
    expect(created.statusCode).toBe(201)
    expect((await get('/health', globex)).json()).toEqual({ status: 'ok' })

    const refused = await get('/health', acme)
    expect(refused.statusCode).toBe(502)
    expect(refused.json()).toMatchObject({ code: 'UPSTREAM_AUTH', message: expect.stringContaining('"acme-crm" rejected') })
    expect(refused.body).not.toContain('revoked-token')

    const { connections } = (await get('/readyz', scraper)).json()
    expect(connections).toEqual([
      {
        name: 'acme-crm',
        tenants: ['acme'],
        breaker: 'closed',
        lastCheck: { ok: false, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), code: 'UPSTREAM_AUTH', message: expect.stringContaining('rejected') },
      },
      { name: 'globex-crm', tenants: ['globex'], breaker: 'closed', lastCheck: { ok: true, at: expect.any(String) } },
    ])
  })

  it('shows an opened breaker half-open once its cool-down passes, with health checks off and no call coming', async () => {
    const fake = await crm()
    app = await testApp({
      connections: { crm: connection(fake, { breaker: { failures: 2, cooldownMs: 300 } }) },
      registry: simpleRegistry,
      health: { intervalMs: 0 },
      metrics: { token: METRICS_TOKEN },
    })
    const healthy = fake.handler
    fake.handler = () => ({ status: 500, body: { error: 'down' } })
    for (let i = 0; i < 2; i++) await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'fails' } })
    expect(await breaker('crm')).toBe('2')
    expect((await get('/readyz')).statusCode).toBe(200)
    const seen = fake.requests.length
    fake.handler = healthy

    await waitFor(async () => (await breaker('crm')) === '1')
    expect((await get('/readyz', scraper)).json().connections[0].breaker).toBe('half-open')
    expect(fake.requests.length, 'nothing called the CRM to move it').toBe(seen)

    // The tenant's GET /health is the probe that closes it.
    expect((await get('/health', headers)).statusCode).toBe(200)
    expect(await breaker('crm')).toBe('0')
  })

  it("answers the tenant's GET /health with 503 and Retry-After while the breaker is open, without calling the CRM", async () => {
    const fake = await crm()
    app = await testApp({
      connections: { crm: connection(fake, { breaker: { failures: 1, cooldownMs: 60_000 } }) },
      registry: simpleRegistry,
      health: { intervalMs: 0 },
    })
    fake.handler = () => ({ status: 500, body: { error: 'down' } })
    await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'fails' } })
    const seen = fake.requests.length
    const health = await get('/health', headers)
    expect(health.statusCode).toBe(503)
    expect(health.json().code).toBe('UPSTREAM_CIRCUIT_OPEN')
    expect(Number(health.headers['retry-after'])).toBeGreaterThan(0)
    expect(fake.requests.length).toBe(seen)
  })
})
