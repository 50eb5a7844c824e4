import { Type } from '@sinclair/typebox'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type GatewayError,
  UpstreamAuthError,
  UpstreamBadResponseError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  UpstreamUnexpectedStatusError,
} from '../../src/errors.ts'
import type { UpstreamRequest } from '../../src/kit/spec.ts'
import { HttpFake, type Step } from '../conformance/fakes/http-fake.ts'
import { client, within } from './helpers.ts'

const Ok = Type.Object({ ok: Type.Boolean() })
type Outcome = 'ok' | 'null' | (new (...args: never[]) => GatewayError)

/**
 * The one status rule (`src/upstream/status.ts`), the same for `send` and `json`: each row is a
 * CRM answer, whether the call's path names a record, and what the adapter gets.
 */
const rows: [string, Step, { record?: boolean; expect?: number[] }, Outcome][] = [
  ['200', { status: 200, body: { ok: true } }, {}, 'ok'],
  ['201', { status: 201, body: { ok: true } }, {}, 'ok'],
  ['207 where expected', { status: 207, body: { ok: true } }, { expect: [200, 207] }, 'ok'],
  ['200 where only 204 is expected', { status: 200, body: { ok: true } }, { expect: [204] }, UpstreamUnexpectedStatusError],
  ['302', { status: 302, headers: { location: 'https://elsewhere.example/' } }, {}, UpstreamUnexpectedStatusError],
  ['304', { status: 304 }, {}, UpstreamUnexpectedStatusError],
  ['400', { status: 400, body: { message: 'bad owner' } }, {}, UpstreamRejectedError],
  ['409', { status: 409, body: { message: 'conflict' } }, {}, UpstreamRejectedError],
  ['422', { status: 422, body: { message: 'invalid' } }, {}, UpstreamRejectedError],
  ['401', { status: 401, body: { message: 'expired' } }, {}, UpstreamAuthError],
  ['403', { status: 403, body: { message: 'scope' } }, {}, UpstreamAuthError],
  ['404 on a path that names a record', { status: 404, body: { message: 'gone' } }, { record: true }, 'null'],
  ['404 on a path that names no record (a wrong baseUrl)', { status: 404, body: { message: 'no route' } }, {}, UpstreamUnexpectedStatusError],
  ['405', { status: 405 }, {}, UpstreamUnexpectedStatusError],
  ['405 even where a 404 would mean missing', { status: 405 }, { record: true }, UpstreamUnexpectedStatusError],
  ['410', { status: 410 }, {}, UpstreamUnexpectedStatusError],
  ['413', { status: 413 }, {}, UpstreamUnexpectedStatusError],
  ['414', { status: 414 }, {}, UpstreamUnexpectedStatusError],
  ['418', { status: 418 }, {}, UpstreamUnexpectedStatusError],
  ['429', { status: 429, headers: { 'retry-after': '30' } }, {}, UpstreamRateLimitedError],
  ['500', { status: 500 }, {}, UpstreamUnavailableError],
  ['503', { status: 503 }, {}, UpstreamUnavailableError],
]

describe('the upstream status rule', () => {
  let fake: HttpFake
  let c: ReturnType<typeof client>
  beforeAll(async () => {
    fake = await HttpFake.start(() => ({ status: 500 }))
  })
  // A client per check: a 429 pauses the client that drew it.
  beforeEach(() => {
    fake.reset()
    c = client(fake.url, { retry: { maxRetries: 0 }, breaker: { failures: 1000 } }, {
      errorMessage: (body) => (body as { message?: string }).message,
    })
  })
  afterEach(() => c.close())
  afterAll(() => fake.close())

  const request = (options: { expect?: number[] }): UpstreamRequest => ({
    method: 'GET',
    route: '/things/{id}',
    params: { id: '7' },
    ...(options.expect && { expect: options.expect }),
    options: within(5000),
  })

  for (const via of ['send', 'json'] as const) {
    it.each(rows)(`${via}: %s`, async (_name, step, options, outcome) => {
      fake.queue.push(step)
      const call = () => {
        const notFound = options.record ? ('null' as const) : undefined
        if (via === 'send') return notFound ? c.send(request(options), notFound) : c.send(request(options))
        return notFound ? c.json(request(options), Ok, notFound) : c.json(request(options), Ok)
      }
      if (outcome === 'ok') {
        const answer = await call()
        if (via === 'json') expect(answer).toEqual({ ok: true })
        else expect(answer).toMatchObject({ status: step.status })
      } else if (outcome === 'null') {
        await expect(call()).resolves.toBeNull()
      } else {
        await expect(call()).rejects.toBeInstanceOf(outcome)
      }
      expect(fake.requests, 'one call, no retry').toHaveLength(1)
    })
  }

  it('relays the CRM reason of a 4xx, cut to 500 characters, and names the route, never the id', async () => {
    fake.queue.push({ status: 400, body: { message: `owner ${'x'.repeat(2000)}` } })
    const refused = await c.send(request({})).catch((error) => error)
    expect(refused).toBeInstanceOf(UpstreamRejectedError)
    expect(refused.message.length).toBeLessThan(600)
    fake.queue.push({ status: 405 })
    const unexpected = await c.send(request({})).catch((error) => error)
    expect(unexpected.message).toContain('answered 405 to GET /things/{id}')
  })

  it('gives a 2xx body that does not match its schema as a 502, not half an answer', async () => {
    for (const step of [{ body: { ok: 'yes' } }, { body: undefined }, { status: 200, body: [1, 2] }]) {
      fake.queue.push(step)
      await expect(c.json(request({}), Ok)).rejects.toBeInstanceOf(UpstreamBadResponseError)
    }
  })
})
