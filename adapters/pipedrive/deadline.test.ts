import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PipedriveFake } from './fake/pipedrive.ts'
import { limitedConnection } from './fake/gateway.ts'
import { headers, testApp } from '../../src/kit/testing.ts'

/**
 * An export that cannot finish before its deadline, without a mirror: Pipedrive's search limit (10
 * a window) makes 100 unknown contacts need more lookups than the window holds. The export answers
 * the contacts it looked up and wrote, leaves the others out (neither in `results` nor in
 * `errors`: the contract's reading of a missing entry is "send it again"), and Enginy's resends
 * finish the rest, each contact made once. Windows are ten times shorter than Pipedrive's 2 s, and
 * the request's deadline 3 s, so that the 100 searches (2 s) and the 100 creates (1 s) do not fit.
 */
const WINDOW_MS = 200
const MARGIN_MS = 100

let fake: PipedriveFake
let app: FastifyInstance
beforeAll(async () => {
  fake = await PipedriveFake.start({ burst: 20, windowMs: WINDOW_MS, searchBurst: 10, searchWindowMs: WINDOW_MS })
  app = await testApp({ connections: { pipedrive: limitedConnection(fake, WINDOW_MS, MARGIN_MS) }, limits: { requestTimeoutMs: 3000 } })
})
afterAll(async () => {
  await app?.close()
  await fake?.close()
})

describe('an export past what its deadline holds', () => {
  it('answers the contacts it wrote, leaves the others out, and finishes on resends with each contact made once', async () => {
    const contacts = Array.from({ length: 100 }, (_, i) => ({ externalId: `D-${i}`, email: `late${i}@globex.example`, firstName: `Late${i}` }))
    const first = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts } })
    expect(first.statusCode, first.body).toBe(200)
    const answer = first.json() as { results: { externalId: string; crmId: string }[]; errors: unknown[] }
    expect(answer.errors).toEqual([])
    expect(answer.results.length).toBeGreaterThan(0)
    expect(answer.results.length).toBeLessThan(100)
    const written = [...fake.persons.records.values()].filter((person) => person.name.startsWith('Late'))
    expect(written.length).toBe(answer.results.length)

    const done = new Map(answer.results.map((r) => [r.externalId, r.crmId]))
    for (let resend = 0; resend < 10 && done.size < 100; resend++) {
      const res = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts } })
      expect(res.statusCode, res.body).toBe(200)
      for (const r of (res.json() as typeof answer).results) {
        if (done.has(r.externalId)) expect(r.crmId).toBe(done.get(r.externalId))
        done.set(r.externalId, r.crmId)
      }
    }
    expect(done.size).toBe(100)
    expect([...fake.persons.records.values()].filter((person) => person.name.startsWith('Late')).length).toBe(100)
    expect(fake.violations).toEqual([])
  })
})
