import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { headers, testApp } from '../../src/kit/testing.ts'
import { ATTIO_TOKEN, AttioFake } from './fake/server.ts'

/**
 * One record Attio refuses among 100: a phone number without its country code ("must carry a +
 * country prefix or come with country_code", the phone number `InputValue` of Attio's OpenAPI
 * file). Each record is its own call, so the refusal is that record's error alone, and the other
 * 99 are written.
 */
let fake: AttioFake
let app: FastifyInstance

beforeAll(async () => {
  fake = await AttioFake.start({ readsPerSecond: 1000, writesPerSecond: 250 })
  app = await testApp({
    connections: { attio: { adapter: 'attio', accessToken: ATTIO_TOKEN, baseUrl: fake.url, rateLimits: { writes: { requests: 250, intervalMs: 1000 }, reads: { requests: 1000, intervalMs: 1000 } } } },
  })
})

afterAll(async () => {
  await app.close()
  await fake.close()
})

describe('attio: a refused record among 100', () => {
  it('fails alone, with Attio’s reason; the other 99 are written', async () => {
    const contacts = Array.from({ length: 100 }, (_, i) => ({ externalId: `L-${i}`, email: `lead${i}@acme.example`, phone: i === 57 ? '600 000 057' : `+34600000${String(i).padStart(3, '0')}` }))
    const res = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts } })
    expect(res.statusCode, res.body).toBe(200)
    const answer = res.json() as { results: { externalId: string }[]; errors: { externalId: string; error: string; code: string }[] }
    expect(answer.results).toHaveLength(99)
    expect(answer.errors).toEqual([{ externalId: 'L-57', code: 'UPSTREAM_REJECTED', error: expect.stringContaining('country code') }])
    expect(fake.people.records.size).toBe(99)
    expect(fake.calls('PUT /v2/objects/people/records'), 'each record one assert, the refused one included').toBe(100)
  })
})
