import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { ATTIO_TOKEN, AttioFake, isAttioCreate } from './fake/server.ts'

/**
 * Attio's 429s in the middle of an export: its `Retry-After` is an HTTP date ("usually the
 * following second", https://docs.attio.com/rest-api/guides/rate-limiting) and a limited request
 * "has not been processed", so the gateway waits until then and sends it again. The export
 * completes, each contact once; what Enginy is answered holds no 429.
 */
let fake: AttioFake
let app: FastifyInstance

const contacts = Array.from({ length: 100 }, (_, i) => ({ externalId: `L-${i}`, email: `lead${i}@acme.example`, firstName: `Lead${i}` }))

async function start(writesPerSecond: number) {
  fake = await AttioFake.start({ writesPerSecond, autoCompanies: false })
  app = await testApp({ connections: { attio: { adapter: 'attio', accessToken: ATTIO_TOKEN, baseUrl: fake.url, concurrency: 8 } }, limits: { requestTimeoutMs: 60_000 } })
}

afterEach(async () => {
  await app.close()
  await fake.close()
})

async function exportAll() {
  const res = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts } })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { results: { crmId: string }[]; errors: unknown[] }
}

describe('attio: 429 in the middle of an export', () => {
  it('Attio lowers its write limit below the 25 a second the adapter declares (as in an incident): the export completes, once each', async () => {
    await start(15)
    const answer = await exportAll()
    expect(answer.errors).toEqual([])
    expect(new Set(answer.results.map((r) => r.crmId)).size).toBe(100)
    expect(fake.people.records.size, 'never a duplicate').toBe(100)
    expect(fake.limits.limited, 'Attio answered 429s meanwhile').toBeGreaterThan(0)
    console.log(`429s answered by the fake during the export: ${fake.limits.limited}; asserts sent: ${fake.calls('PUT /v2/objects/people/records')}`)
  }, 60_000)

  it('three 429s after the 40th write: waited out, sent again, the export completes', async () => {
    await start(25)
    const handler = fake.http.handler
    let writes = 0
    fake.http.handler = (request) => {
      if (isAttioCreate(request) && ++writes === 40) fake.rateLimitNext(3)
      return handler(request)
    }
    const answer = await exportAll()
    expect(answer.errors).toEqual([])
    expect(fake.people.records.size).toBe(100)
    expect(fake.limits.limited).toBe(3)
    expect(fake.calls('PUT /v2/objects/people/records'), 'each limited assert sent once more').toBe(103)
  }, 60_000)
})
