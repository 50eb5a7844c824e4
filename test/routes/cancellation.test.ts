import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HttpFake } from '../conformance/fakes/http-fake.ts'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../conformance/fakes/simple-crm.ts'
import { KEY, headers, testApp } from '../helpers/app.ts'

/** A request's work ends with the request: when its client hangs up, nothing more is sent. */
describe('cancellation end to end', () => {
  let fake: HttpFake
  let app: FastifyInstance
  let base: string
  beforeAll(async () => {
    fake = await startSimpleCrm()
    // One PATCH at a time, each answered after 40 ms: a batch of 30 takes over a second.
    app = await testApp({
      connections: { crm: { adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN, concurrency: 1, retry: { maxRetries: 0 } } },
      registry: simpleRegistry,
      limits: { requestTimeoutMs: 20_000 },
    })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  it('sends no CRM call later than one round trip after the client of a batch hangs up', async () => {
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push((await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: `t${i}` } })).json().id)
    const slow = fake.handler
    fake.handler = async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 40))
      return slow(r)
    }
    fake.reset()
    const client = new AbortController()
    const sent = request(`${base}/tasks/batch`, {
      method: 'PATCH',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ ids, completed: true }),
      signal: client.signal,
    }).catch(() => 'hung up')
    while (fake.count('PATCH') < 3) await new Promise((resolve) => setTimeout(resolve, 5))
    const hungUpAt = Date.now()
    client.abort()
    expect(await sent).toBe('hung up')
    await new Promise((resolve) => setTimeout(resolve, 400))
    const late = fake.requests.filter((r) => r.method === 'PATCH' && r.at > hungUpAt + 60)
    expect(late, 'calls after the hang-up and one round trip').toEqual([])
    expect(fake.count('PATCH')).toBeLessThan(8)
    // The hung-up request no longer holds the runtime: a reload can close it, and so can shutdown.
    const drained = app.gateway.current.runtime.drained().then(() => 'drained')
    expect(await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 5000, 'still held'))])).toBe('drained')
    fake.handler = slow
  })
})
