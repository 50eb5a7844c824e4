import { Type } from '@sinclair/typebox'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UpstreamCircuitOpenError, UpstreamUnavailableError } from '../../src/errors.ts'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { client, within } from './helpers.ts'

const Ok = Type.Object({ ok: Type.Boolean() })
const get = { method: 'GET', route: '/account', expect: [200] } as const
const background = () => ({ ...within(5000), background: true })

/** Calls the core makes outside any request (`CallOptions.background`): learning what links need. */
describe('background calls', () => {
  let fake: HttpFake
  beforeAll(async () => {
    fake = await HttpFake.start(() => ({ body: { ok: true } }))
  })
  beforeEach(() => fake.reset())
  afterAll(() => fake.close())

  it('are sent once, however retryable their failure: the core backs off between tries', async () => {
    const c = client(fake.url, { retry: { maxRetries: 5, minDelayMs: 5, maxDelayMs: 20 }, breaker: { failures: 100 } })
    fake.queue.push({ status: 500 }, { status: 503 })
    await expect(c.json({ ...get, options: background() }, Ok)).rejects.toThrow(UpstreamUnavailableError)
    expect(fake.count('GET')).toBe(1)
    await c.close()
  })

  it("never open the breaker, so a side read that fails cannot stop the tenants' calls", async () => {
    const c = client(fake.url, { retry: { maxRetries: 0 }, breaker: { failures: 1, cooldownMs: 60_000 } })
    fake.queue.push({ status: 500 }, { status: 500 })
    await expect(c.json({ ...get, options: background() }, Ok)).rejects.toThrow(UpstreamUnavailableError)
    await expect(c.json({ ...get, options: background() }, Ok)).rejects.toThrow(UpstreamUnavailableError)
    expect(c.breaker.state).toBe('closed')
    await expect(c.json({ ...get, options: within(5000) }, Ok)).resolves.toEqual({ ok: true })
    await c.close()
  })

  it('wait for a closed circuit, and never take the probe of a half-open one', async () => {
    const c = client(fake.url, { retry: { maxRetries: 0 }, breaker: { failures: 1, cooldownMs: 200 } })
    fake.queue.push({ status: 500 })
    await expect(c.json({ ...get, options: within(5000) }, Ok)).rejects.toThrow(UpstreamUnavailableError)
    await expect(c.json({ ...get, options: background() }, Ok)).rejects.toThrow(UpstreamCircuitOpenError)
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(c.breaker.state).toBe('half-open')
    await expect(c.json({ ...get, options: background() }, Ok)).rejects.toThrow(UpstreamCircuitOpenError)
    expect(fake.count('GET'), 'neither reached the CRM').toBe(1)
    await expect(c.json({ ...get, options: within(5000) }, Ok), "the probe is still the tenants' call").resolves.toEqual({ ok: true })
    expect(c.breaker.state).toBe('closed')
    await c.close()
  })
})
