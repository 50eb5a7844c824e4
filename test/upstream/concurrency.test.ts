import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UpstreamTimeoutError } from '../../src/errors.ts'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { client, within } from './helpers.ts'

describe('upstream concurrency', () => {
  let fake: HttpFake
  beforeAll(async () => {
    fake = await HttpFake.start(() => ({ body: { ok: true }, delayMs: 40 }))
  })
  beforeEach(() => fake.reset())
  afterAll(() => fake.close())

  const get = (n: number) => ({ method: 'GET', route: '/thing/{id}', params: { id: String(n) } }) as const

  it('never has more calls in flight than the connection allows, however many are sent at once', async () => {
    const c = client(fake.url, { concurrency: 3 })
    const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => c.send({ ...get(n), options: within(5000) })))
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200))
    expect(fake.requests).toHaveLength(12)
    expect(fake.peakInFlight).toBe(3)
    await c.close()
  })

  it('gives a call that passes its deadline while queued a timeout then, and never sends it', async () => {
    fake.queue.push({ delayMs: 600, body: { ok: true } })
    const c = client(fake.url, { concurrency: 1 })
    const slow = c.send({ ...get(1), options: within(5000) })
    let slowDone = false
    void slow.then(() => (slowDone = true))
    const queued = c.send({ ...get(2), options: within(100) }).catch((e) => e)
    expect(await queued).toBeInstanceOf(UpstreamTimeoutError)
    expect(slowDone).toBe(false)
    await slow
    expect(fake.requests.map((r) => r.path)).toEqual(['/thing/1'])
    await c.close()
  })
})
