import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../helpers/app.ts'
import { countingMemory } from '../helpers/counting-memory.ts'

const records = (n: number, field: 'externalId' | 'crmId') => Array.from({ length: n }, (_, i) => ({ [field]: `local.r${i}` }))
const pairs = (n: number) => Array.from({ length: n }, (_, i) => ({ contactCRMId: `local.c${i}`, companyCRMId: `local.k${i}` }))
const ids = (n: number) => Array.from({ length: n }, (_, i) => `local.t${i}`)

/**
 * Every batch limit is one rule with one answer: a 400 `BATCH_TOO_LARGE` stating the limit, and
 * nothing written; the limit itself passes. Contacts exports have Enginy's 100 (the schema's
 * `maxItems`); the others `limits.maxBatchRecords` and `limits.maxBatchIds` (checked by the services).
 */
describe('batch limits', () => {
  let app: FastifyInstance
  const memory = countingMemory()
  beforeAll(async () => {
    app = await testApp({ registry: memory.registry })
  })
  afterAll(() => app.close())

  const routes: [method: 'POST' | 'PUT' | 'PATCH', url: string, field: string, limit: number, body: (n: number) => object][] = [
    ['POST', '/contacts', 'contacts', 100, (n) => ({ contacts: records(n, 'externalId') })],
    ['POST', '/contacts/sync', 'contacts', 1000, (n) => ({ contacts: records(n, 'externalId') })],
    ['PUT', '/contacts', 'contacts', 1000, (n) => ({ contacts: records(n, 'crmId') })],
    ['POST', '/companies', 'companies', 1000, (n) => ({ companies: records(n, 'externalId') })],
    ['POST', '/companies/sync', 'companies', 1000, (n) => ({ companies: records(n, 'externalId') })],
    ['PUT', '/companies', 'companies', 1000, (n) => ({ companies: records(n, 'crmId') })],
    ['POST', '/associations', 'associations', 1000, (n) => ({ associations: pairs(n) })],
    ['POST', '/tasks/batch', 'ids', 1000, (n) => ({ ids: ids(n) })],
    ['PATCH', '/tasks/batch', 'ids', 1000, (n) => ({ ids: ids(n), completed: true })],
  ]

  it.each(routes)('%s %s: one over the limit is a 400 BATCH_TOO_LARGE stating it, the limit itself passes', async (method, url, field, limit, body) => {
    const before = memory.writes()
    const over = await app.inject({ method, url, headers, payload: body(limit + 1) })
    expect(over.statusCode).toBe(400)
    expect(over.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: `body/${field} must NOT have more than ${limit} items`,
      code: 'BATCH_TOO_LARGE',
    })
    expect(memory.writes()).toBe(before)
    expect((await app.inject({ method, url, headers, payload: body(limit) })).statusCode).toBe(200)
  })

  it('answers BATCH_TOO_LARGE for an export of 101 contacts even when the first one is malformed: the count is checked first', async () => {
    const contacts = [{ email: 7 }, ...records(100, 'externalId')]
    const res = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts } })
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'BATCH_TOO_LARGE' })
  })

  it('states the limits in force', async () => {
    const small = await testApp({ limits: { maxBatchRecords: 3, maxBatchIds: 2 } })
    try {
      for (const [method, url, field, limit, payload] of [
        ['POST', '/contacts/sync', 'contacts', 3, { contacts: records(4, 'externalId') }],
        ['POST', '/associations', 'associations', 3, { associations: pairs(4) }],
        ['POST', '/tasks/batch', 'ids', 2, { ids: ids(3) }],
      ] as const) {
        const res = await small.inject({ method, url, headers, payload })
        expect(res.json(), url).toMatchObject({ code: 'BATCH_TOO_LARGE', message: `body/${field} must NOT have more than ${limit} items` })
      }
    } finally {
      await small.close()
    }
  })
})
