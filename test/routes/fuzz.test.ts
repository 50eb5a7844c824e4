import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEY, testApp } from '../helpers/app.ts'
import { countingMemory } from '../helpers/counting-memory.ts'

/**
 * Property: whatever a client sends, the gateway answers with a JSON error or a success, never a
 * 5xx, and a rejected request writes nothing.
 */
describe('bad input, generated', () => {
  let app: FastifyInstance
  const memory = countingMemory()
  beforeAll(async () => {
    app = await testApp({ registry: memory.registry })
  })
  afterAll(() => app.close())


  // Nested objects or arrays, built in a loop: up to 3,000 levels, past every bound and within
  // what the test's own JSON.stringify reaches (the 100,000-level case is test/routes/free-form.test.ts).
  const deepValue = fc.record({ levels: fc.integer({ min: 1, max: 3000 }), arrays: fc.boolean(), leaf: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }).map(
    ({ levels, arrays, leaf }) => {
      let value: unknown = leaf
      for (let i = 0; i < levels; i++) value = arrays ? [value] : { [`l${i % 3}`]: value }
      return value
    },
  )
  const fieldValue = fc.oneof(
    fc.string(),
    deepValue,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }),
    fc.constantFrom('', '2024-01-15', '2024-13-01', '2024-01-15T10:00:00+25:00', 'x'.repeat(2000)),
  )
  const body = fc.oneof(
    fc.record(
      {
        subject: fieldValue,
        description: fieldValue,
        type: fieldValue,
        ownerId: fieldValue,
        dueDate: fieldValue,
        completed: fieldValue,
        ids: fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }), fieldValue),
      },
      { requiredKeys: [] },
    ),
    fieldValue,
  )
  const target = fc.constantFrom(
    ['POST', '/tasks'],
    ['PATCH', '/tasks/local.abc'],
    ['PUT', '/tasks/local.abc'],
    ['POST', '/tasks/batch'],
    ['PATCH', '/tasks/batch'],
  )
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', '')

  it('never answers 5xx to generated bodies, and a rejected create writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(target, body, contentType, fc.boolean(), async ([method, url], payload, type, raw) => {
        const before = memory.writes()
        const res = await app.inject({
          method: method as 'POST',
          url: url!,
          headers: { 'x-api-key': KEY, ...(type ? { 'content-type': type } : {}) },
          payload: raw ? String(JSON.stringify(payload)).slice(0, -1) : JSON.stringify(payload),
        })
        expect(res.statusCode).toBeLessThan(500)
        const json = res.json()
        if (res.statusCode >= 400) {
          expect(json).toMatchObject({ statusCode: res.statusCode, error: expect.any(String), message: expect.any(String) })
          expect(memory.writes()).toBe(before)
        }
      }),
      { numRuns: 400 },
    )
  })

  // Records, pairs and activities: well-formed enough to reach the service often, wrong in every field.
  const record = fc.dictionary(
    fc.constantFrom('externalId', 'crmId', 'email', 'domain', 'name', 'linkedinUrl', 'ownerId', 'numberOfEmployees', 'employeeCount', 'campaignOpens', '__proto__', 'constructor'),
    fieldValue,
    { maxKeys: 6 },
  )
  const kinds = fc.constantFrom('contacts', 'companies', 'associations')
  const recordBody = fc.oneof(
    fc.tuple(kinds, fc.oneof(fc.array(record, { maxLength: 4 }), fieldValue)).map(([kind, items]) => ({ [kind]: items })),
    fc.record(
      {
        type: fieldValue,
        direction: fc.oneof(fieldValue, fc.constantFrom('INBOUND', 'OUTBOUND')),
        subject: fieldValue,
        occurredAt: fieldValue,
        contactId: fieldValue,
        metadata: fc.oneof(fieldValue, fc.record({ messageId: fieldValue }, { requiredKeys: [] })),
        associations: fc.array(fc.record({ contactCRMId: fieldValue, companyCRMId: fieldValue }, { requiredKeys: [] }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    fieldValue,
  )
  const recordTarget = fc.constantFrom(
    ['POST', '/contacts'],
    ['POST', '/contacts/sync'],
    ['PUT', '/contacts'],
    ['POST', '/companies'],
    ['POST', '/companies/sync'],
    ['PUT', '/companies'],
    ['POST', '/associations'],
    ['POST', '/activities'],
  )

  it('never answers 5xx to generated records, pairs and activities, and a rejected one writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(recordTarget, recordBody, contentType, async ([method, url], payload, type) => {
        const before = memory.writes()
        const res = await app.inject({
          method: method as 'POST',
          url: url!,
          headers: { 'x-api-key': KEY, ...(type ? { 'content-type': type } : {}) },
          payload: JSON.stringify(payload),
        })
        expect(res.statusCode, res.body).toBeLessThan(500)
        if (res.statusCode >= 400) {
          expect(res.json()).toMatchObject({ statusCode: res.statusCode, error: expect.any(String), message: expect.any(String) })
          expect(memory.writes()).toBe(before)
        }
      }),
      { numRuns: 600 },
    )
  })

  it('never answers 5xx to generated ids in paths and batches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (id) => {
        const get = await app.inject({ method: 'GET', url: `/tasks/${encodeURIComponent(id)}`, headers: { 'x-api-key': KEY } })
        expect([400, 404]).toContain(get.statusCode)
        const batch = await app.inject({
          method: 'POST',
          url: '/tasks/batch',
          headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
          payload: { ids: [id, `local.${id}`, `local~${id}`] },
        })
        expect(batch.statusCode).toBe(200)
        expect(batch.json()).toEqual([])
      }),
      { numRuns: 300 },
    )
  })

  it('never answers 5xx to generated headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('x-api-key', 'x-request-id', 'content-type', 'content-length', 'accept'), fc.string()),
        async (headers) => {
          const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: '{"ids":[]}' })
          expect(res.statusCode).toBeLessThan(500)
        },
      ),
      { numRuns: 200 },
    )
  })
})
