import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../fakes/simple-crm.ts'
import type { HttpFake } from '../fakes/http-fake.ts'
import { headers, testApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'

describe('/healthz, /readyz and /metrics', () => {
  let app: FastifyInstance
  let fake: HttpFake
  afterEach(async () => {
    await app?.close()
    await fake?.close()
  })

  const start = async (extra: Record<string, unknown> = {}, connection: Record<string, unknown> = {}) => {
    fake = await startSimpleCrm()
    app = await testApp({
      connections: {
        crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN, retry: { maxRetries: 0 }, breaker: { failures: 100 }, ...connection },
      },
      registry: simpleRegistry,
      health: { intervalMs: 100, timeoutMs: 1000 },
      ...extra,
    })
  }

  it('flips /readyz to 503 with the reason when the active CRM goes down, and back when it returns', async () => {
    await start()
    const ready = async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200
    await waitFor(ready)
    const healthy = fake.handler
    fake.handler = () => ({ status: 503 })
    await waitFor(async () => !(await ready()))
    const down = await app.inject({ method: 'GET', url: '/readyz' })
    expect(down.json()).toEqual({
      status: 'not ready',
      reason: expect.stringContaining('connection "crm" failed its last check'),
      coordination: 'local',
    })
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    fake.handler = healthy
    await waitFor(ready)
  })

  it.each([
    ['404 (a wrong baseUrl)', { status: 404, body: { error: 'no route' } }],
    ['302 (a login page)', { status: 302, headers: { location: 'https://login.example/' } }],
  ])('is not ready while the check is answered %s: only a 2xx passes', async (_name, step) => {
    await start()
    const ready = async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200
    await waitFor(ready)
    const healthy = fake.handler
    fake.handler = (r) => (r.path === '/me' ? step : healthy(r))
    await waitFor(async () => !(await ready()))
    const { reason } = (await app.inject({ method: 'GET', url: '/readyz' })).json()
    expect(reason).toContain('connection "crm" failed its last check')
    expect(reason).toContain(`answered ${step.status} to GET /me`)
    fake.handler = healthy
    await waitFor(ready)
  })

  it('stays ready while the CRM rate-limits the checks, or while every concurrency slot is busy', async () => {
    await start({ limits: { requestTimeoutMs: 2500 } }, { concurrency: 1 })
    const status = async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode
    await waitFor(async () => (await status()) === 200)
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
    expect(await status()).toBe(200)

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
    expect(await status()).toBe(200)
    expect((await reading).statusCode).toBe(504)
  })

  it('counts requests, upstream attempts and retries, and shows breaker state and config version', async () => {
    await start()
    await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'counted' } })
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(text).toMatch(/gateway_http_requests_total\{route="\/tasks",method="POST",status="201"\} 1/)
    expect(text).toMatch(/gateway_upstream_calls_total\{connection="crm",route="\/tasks",outcome="201",attempt="0"\} 1/)
    expect(text).toMatch(/gateway_circuit_breaker_state\{connection="crm"\} 0/)
    expect(text).toMatch(/gateway_config_version 1/)
    expect(text).toMatch(/gateway_http_request_duration_seconds_bucket/)
    expect(text).toMatch(/gateway_rate_limit_wait_seconds_count\{connection="crm"\}/)
  })

  it('guards /metrics with its own token when one is configured', async () => {
    app = await testApp({ metrics: { token: 'scrape-me' } })
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401)
    const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-me' } })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-type']).toContain('text/plain')
  })
})
