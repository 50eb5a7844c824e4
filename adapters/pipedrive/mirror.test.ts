import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PIPEDRIVE_FIELDS, PipedriveFake } from './fake/pipedrive.ts'
import { limitedConnection } from './fake/gateway.ts'
import { headers, sweepMirror, testApp } from '../../src/kit/testing.ts'

/**
 * Enginy's export and sync on a Pipedrive account that already holds 5,000 persons and 1,000
 * organizations, with `mirror:`: matching in the mirror instead of Pipedrive's search (10 per 2 s,
 * 20 tokens each). Pipedrive's limits hold at their ratios (20 calls and 10 searches per window),
 * with windows ten times shorter than its 2 s to keep the test quick; calls and tokens are counted
 * at the fake.
 */
const WINDOW_MS = 200
const MARGIN_MS = 150
const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
const SEARCH = /\/search$/

let fake: PipedriveFake
let app: FastifyInstance
let build: { calls: number; tokens: number; ms: number }

beforeAll(async () => {
  fake = await PipedriveFake.start({ burst: 20, windowMs: WINDOW_MS, searchBurst: 10, searchWindowMs: WINDOW_MS })
  for (let i = 0; i < 5000; i++) fake.persons.insert({ name: `Known ${i}`, emails: [{ value: `Known${i}@Acme.example`, primary: true }] }, HOUR_AGO)
  for (let i = 0; i < 1000; i++) fake.orgs.insert({ name: `Company ${i}`, custom_fields: { [PIPEDRIVE_FIELDS.orgDomain]: `company${i}.example` } }, HOUR_AGO)
  fake.resetCounts()
  const started = Date.now()
  app = await testApp({ connections: { pipedrive: limitedConnection(fake, WINDOW_MS, MARGIN_MS, { mirror: { pollMs: 3_600_000, maxStalenessMs: 7_200_000 } }) } })
  await sweepMirror(app, 'pipedrive')
  build = { calls: fake.http.requests.length, tokens: fake.tokens, ms: Date.now() - started }
  fake.resetCounts()
})
afterAll(async () => {
  await app?.close()
  await fake?.close()
})

const post = async (url: string, payload: object) => {
  const res = await app.inject({ method: 'POST', url, headers, payload })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { results: { externalId: string; crmId: string }[]; errors: unknown[] }
}

describe('Pipedrive with a mirror', () => {
  it('builds with one list call per 500 records of each kind', () => {
    // 5,003 persons (the fake's own 3 besides), 1,002 organizations, no activity: 11 + 3 + 1 lists
    // of up to 500, 10 tokens each.
    expect(build.calls).toBe(15)
    expect(build.tokens).toBe(150)
    console.info(`mirror build: ${build.calls} calls, ${build.tokens} tokens, ${build.ms} ms`)
  })

  it('syncs 100 contacts, half of them known, without a call', async () => {
    const contacts = Array.from({ length: 100 }, (_, i) => ({ externalId: `S-${i}`, email: i % 2 === 0 ? `known${i}@acme.example` : `stranger${i}@acme.example` }))
    const synced = await post('/contacts/sync', { contacts })
    expect(synced.results).toHaveLength(50)
    expect(synced.errors).toEqual([])
    expect(fake.http.requests).toHaveLength(0)
  })

  it('exports 100 new contacts with their 100 creates and no search, and knows them at once', async () => {
    const contacts = Array.from({ length: 100 }, (_, i) => ({ externalId: `N-${i}`, email: `new${i}@globex.example`, firstName: `New${i}`, lastName: 'Lead' }))
    const exported = await post('/contacts', { contacts })
    expect(exported.results).toHaveLength(100)
    expect(exported.errors).toEqual([])
    expect(fake.http.count('GET', SEARCH)).toBe(0)
    expect(fake.http.count('POST', '/api/v2/persons')).toBe(100)
    expect(fake.http.requests).toHaveLength(100)
    expect(fake.tokens).toBe(500)
    fake.resetCounts()
    const again = await post('/contacts', { contacts })
    expect(again.results.map((r) => r.crmId)).toEqual(exported.results.map((r) => r.crmId))
    expect(fake.http.requests).toHaveLength(0)
    expect(fake.violations).toEqual([])
  })
})
