import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.ts'
import { createUpstreamClient } from '../../src/upstream/client.ts'
import { UpstreamState } from '../../src/upstream/connection-state.ts'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { core, within } from './helpers.ts'

/** One upstream state per connection, shared by every client; route groups limited apart. */
describe('a connection’s upstream state', () => {
  let fake: HttpFake
  beforeAll(async () => {
    fake = await HttpFake.start(() => ({ body: { ok: true } }))
  })
  beforeEach(() => fake.reset())
  afterAll(() => fake.close())

  const clients = (settings = core({ retry: { maxRetries: 0 }, breaker: { failures: 2, cooldownMs: 60_000 } })) => {
    const state = new UpstreamState('crm', settings)
    const make = () =>
      createUpstreamClient(
        { core: settings, logger: createLogger('silent'), state },
        { baseUrl: fake.url, headers: {}, limits: { search: { requests: 2, intervalMs: 1000, marginMs: 0 } } },
      )
    return { state, a: make(), b: make() }
  }

  it('holds a route group to its own limit without slowing the other calls', async () => {
    const { state, a } = clients()
    const search = Array.from({ length: 4 }, () => a.send({ method: 'POST', route: '/search', limitGroup: 'search', options: within(5000) }))
    const plain = Array.from({ length: 4 }, () => a.send({ method: 'GET', route: '/things', options: within(5000) }))
    const searchesSent = () => fake.requests.filter((r) => r.path === '/search')
    await Promise.all(plain)
    // The other calls were all answered while the group still held back its last two searches
    // (calls that queued behind the group's window would have come after the third).
    expect(searchesSent().length).toBeLessThanOrEqual(2)
    await Promise.all(search)
    const at = searchesSent().map((r) => r.at)
    expect(at).toHaveLength(4)
    // Two per second: the third waited for the first one's window to pass.
    expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(950)
    await state.close()
  })

  it('lets a connection’s rateLimits override a group the adapter declares', async () => {
    const { state, a } = clients(core({ rateLimits: { search: { requests: 1, intervalMs: 60_000 } } }))
    await a.send({ method: 'POST', route: '/search', limitGroup: 'search', options: within(1000) })
    const second = await a.send({ method: 'POST', route: '/search', limitGroup: 'search', options: within(1000) }).catch((e) => e)
    expect(second.code).toBe('UPSTREAM_RATE_LIMITED')
    await state.close()
  })

  it('gives every client of a connection one breaker and one limiter: two clients do not get two budgets', async () => {
    const { state, a, b } = clients()
    expect(a.breaker).toBe(b.breaker)
    expect(a.limiter).toBe(b.limiter)
    fake.handler = () => ({ status: 503 })
    await a.send({ method: 'GET', route: '/x', options: within(1000) }).catch(() => {})
    await b.send({ method: 'GET', route: '/x', options: within(1000) }).catch(() => {})
    expect(a.breaker.state).toBe('open')
    fake.handler = () => ({ body: { ok: true } })
    await state.close()
  })
})
