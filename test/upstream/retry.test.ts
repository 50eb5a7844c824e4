import { Type } from '@sinclair/typebox'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UpstreamRateLimitedError, UpstreamUnavailableError } from '../../src/errors.ts'
import { mayRetry } from '../../src/upstream/retry.ts'
import { TransportError } from '../../src/upstream/transport.ts'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { client, within } from './helpers.ts'

const Ok = Type.Object({ ok: Type.Boolean() })
const fast = { retry: { maxRetries: 3, minDelayMs: 5, maxDelayMs: 20 }, breaker: { failures: 100 } }

describe('upstream retries', () => {
  let fake: HttpFake
  beforeAll(async () => {
    fake = await HttpFake.start(() => ({ body: { ok: true } }))
  })
  beforeEach(() => fake.reset())
  afterAll(() => fake.close())

  const get = { method: 'GET', route: '/thing/{id}', params: { id: '1' } } as const
  const create = { method: 'POST', route: '/things', body: { name: 'x' } } as const

  it('retries a read through 500, 502, 503, 504 and a reset connection, then succeeds', async () => {
    fake.queue.push({ status: 500 }, { status: 502 }, { reset: true }, { status: 503 }, { status: 504 })
    const c = client(fake.url, { ...fast, retry: { maxRetries: 5, minDelayMs: 5, maxDelayMs: 20 } })
    await expect(c.json({ ...get, options: within(5000) }, Ok)).resolves.toEqual({ ok: true })
    expect(fake.count('GET')).toBe(6)
    await c.close()
  })

  it('gives up after maxRetries with a 502 that names the route, not the id', async () => {
    fake.handler = () => ({ status: 503 })
    const c = client(fake.url, fast)
    const error = await c.send({ ...get, options: within(5000) }).catch((e) => e)
    expect(error).toBeInstanceOf(UpstreamUnavailableError)
    expect(error.message).toBe('the CRM of connection "crm" failed: GET /thing/{id} answered 503')
    expect(fake.count('GET')).toBe(4)
    fake.handler = () => ({ body: { ok: true } })
    await c.close()
  })

  it('waits out Retry-After: 2 and then succeeds', async () => {
    fake.queue.push({ status: 429, headers: { 'retry-after': '2' } })
    const c = client(fake.url, fast)
    await expect(c.json({ ...get, options: within(10_000) }, Ok)).resolves.toEqual({ ok: true })
    const [first, second] = fake.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1990)
    await c.close()
  })

  // "At once": waiting out the deadline (30 s) would outlast the test's timeout. No time is asserted.
  it('answers 503 with Retry-After at once when the 429 asks for more than the deadline leaves', { timeout: 10_000 }, async () => {
    fake.queue.push({ status: 429, headers: { 'retry-after': '45' } })
    const c = client(fake.url, fast)
    const error = await c.send({ ...get, options: within(30_000) }).catch((e) => e)
    expect(error).toBeInstanceOf(UpstreamRateLimitedError)
    expect(error.statusCode).toBe(503)
    expect(error.retryAfterSeconds).toBe(45)
    expect(fake.count('GET')).toBe(1)
    await c.close()
  })

  it('reads Retry-After given as an HTTP date', async () => {
    fake.queue.push({ status: 429, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } })
    const c = client(fake.url, fast)
    const error = await c.send({ ...get, options: within(5000) }).catch((e) => e)
    expect(error).toBeInstanceOf(UpstreamRateLimitedError)
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(58)
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(61)
    await c.close()
  })

  it('never repeats a create whose connection broke after sending, and answers 502', async () => {
    fake.queue.push({ reset: true })
    const c = client(fake.url, fast)
    const error = await c.send({ ...create, options: within(5000) }).catch((e) => e)
    expect(error).toBeInstanceOf(UpstreamUnavailableError)
    expect(error.statusCode).toBe(502)
    expect(fake.count('POST')).toBe(1)
    await c.close()
  })

  it('never repeats a create that got a 500 or 503', async () => {
    for (const status of [500, 502, 503, 504]) {
      fake.reset()
      fake.queue.push({ status })
      const c = client(fake.url, fast)
      await expect(c.send({ ...create, options: within(5000) })).rejects.toBeInstanceOf(UpstreamUnavailableError)
      expect(fake.count('POST')).toBe(1)
      await c.close()
    }
  })

  it('repeats a create refused with 429, and it succeeds once', async () => {
    fake.queue.push({ status: 429, headers: { 'retry-after': '0' } })
    const c = client(fake.url, fast)
    await expect(c.json({ ...create, options: within(5000) }, Ok)).resolves.toEqual({ ok: true })
    expect(fake.count('POST')).toBe(2)
    await c.close()
  })

  it('repeats a batch read declared idempotent even though it is a POST', async () => {
    fake.queue.push({ status: 502 })
    const c = client(fake.url, fast)
    await expect(c.json({ ...create, idempotent: true, options: within(5000) }, Ok)).resolves.toEqual({ ok: true })
    expect(fake.count('POST')).toBe(2)
    await c.close()
  })

  it('retries a create only when the connection was refused before sending', () => {
    const request = { ...create, options: within(1000) }
    expect(mayRetry(request, { error: new TransportError('not-sent', 'ECONNREFUSED') })).toBe(true)
    expect(mayRetry(request, { error: new TransportError('broken', 'ECONNRESET') })).toBe(false)
    expect(mayRetry(request, { error: new TransportError('timeout', 'UND_ERR_HEADERS_TIMEOUT') })).toBe(false)
    expect(mayRetry({ ...request, method: 'PATCH' }, { error: new TransportError('broken', 'ECONNRESET') })).toBe(true)
  })
})
