import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdapterRegistry } from '../../adapters/index.ts'
import type { Dispatcher } from 'undici'
import type { HttpFake, Step } from '../fakes/http-fake.ts'
import { encodeId } from '../../src/service/ids.ts'
import { KEY, testApp } from '../helpers/app.ts'
import { CRAFTED_NATIVE_IDS } from './crafted-ids.ts'

/**
 * The contract suite every adapter runs: `describeAdapterConformance('name', setup)` from the
 * adapter's own test file. It drives the adapter through the whole gateway with `inject()` and
 * checks each rule of `shared/contract/enginy-tasks.md`; a failure names the rule and the field.
 * It reads the adapter's declared capabilities and branches on what the target offers, never on
 * the adapter's name.
 */
export interface ConformanceTarget {
  /** The connection entry of the config: `adapter` plus its options. */
  readonly connection: Record<string, unknown>
  readonly registry?: AdapterRegistry
  readonly dispatcher?: Dispatcher
  /** A native id the CRM surely does not hold, in its format (HubSpot: digits). */
  readonly missingNativeId: string
  /** Enginy types the connection maps and reads back unchanged (through its typeMap). */
  readonly roundTripTypes?: readonly string[]
  /** Values the CRM accepts for ownerId / contactId / companyId (CRMs check these). */
  readonly refs?: { ownerId?: string; contactId?: string; companyId?: string }
  /** Makes the CRM answer every following call with a failure, until `heal()`. */
  readonly breakUpstream?: (kind: 'unavailable' | 'auth') => void
  readonly heal?: () => void
  /** The most requests the CRM saw at once, if the fake counts it. */
  readonly peakInFlight?: () => number
  /** Every request the CRM has seen, as `METHOD /path`, if the fake records them. */
  readonly seen?: () => readonly string[]
  /** What every request of the task operations looks like (`METHOD /path`): with `seen`, the
   * suite checks that ids a caller crafts never make the gateway call anything else. */
  readonly taskPaths?: RegExp
  close(): Promise<void>
}

/**
 * The failure hooks of a target whose CRM is an `HttpFake`: `breakUpstream` makes it answer 503
 * (or `authFailure` for 'auth') until `heal`, and `peakInFlight` reads its count.
 */
export function fakeHooks(
  http: HttpFake,
  authFailure: Step,
): Pick<ConformanceTarget, 'breakUpstream' | 'heal' | 'peakInFlight' | 'seen'> {
  const healthy = http.handler
  return {
    breakUpstream: (kind) => {
      http.handler = () => (kind === 'auth' ? authFailure : { status: 503 })
    },
    heal: () => {
      http.handler = healthy
    },
    peakInFlight: () => http.peakInFlight,
    seen: () => http.requests.map((request) => `${request.method} ${request.path}`),
  }
}

const CONNECTION = 'crm'
const headers = { 'x-api-key': KEY, 'content-type': 'application/json' }

export function describeAdapterConformance(name: string, setup: () => Promise<ConformanceTarget>) {
  describe(`adapter conformance: ${name}`, () => {
    let target: ConformanceTarget
    let app: FastifyInstance
    let batchRead = 1
    let batchUpdate = 1

    beforeAll(async () => {
      target = await setup()
      app = await testApp({
        connections: {
          [CONNECTION]: {
            concurrency: 3,
            // Quick retries and a breaker that stays closed keep the failure checks short and
            // keep them from leaking into the other checks.
            retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 20 },
            breaker: { failures: 1000, cooldownMs: 1000 },
            ...target.connection,
          },
        },
        registry: target.registry,
        dispatcher: target.dispatcher,
      })
      const { capabilities } = app.gateway.current.runtime.connections.get(CONNECTION)!.adapter.tasks!
      batchRead = capabilities.maxBatchRead
      batchUpdate = capabilities.maxBatchUpdate
    })
    afterAll(async () => {
      await app?.close()
      await target?.close()
    })

    const create = async (body: Record<string, unknown>) => {
      const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: body })
      expect(res.statusCode, `create answers 201: ${res.body}`).toBe(201)
      return res.json()
    }
    const send = (method: 'GET' | 'PATCH' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })

    it('create: every field comes back, due date in UTC, not completed', async () => {
      const refs = target.refs ?? { ownerId: 'owner-1', contactId: 'contact-1', companyId: 'company-1' }
      // References come back as the gateway's ids of those records, however they were sent: the
      // contact as its gateway id (what an export answers), the others bare (as before exports).
      const gateway = Object.fromEntries(Object.entries(refs).map(([field, value]) => [field, encodeId(CONNECTION, value) ?? value]))
      const type = target.roundTripTypes?.[0] ?? 'call'
      const task = await create({
        subject: 'Follow up with John',
        description: 'Discuss pricing',
        type,
        dueDate: '2024-01-15T12:00:00+02:00',
        ...refs,
        ...(gateway.contactId && { contactId: gateway.contactId }),
        unknownField: 'ignored',
      })
      expect(task.id, 'id: at most 128 unreserved characters').toMatch(/^[A-Za-z0-9._~-]{1,128}$/)
      const expected = {
        subject: 'Follow up with John',
        description: 'Discuss pricing',
        type,
        dueDate: '2024-01-15T10:00:00Z',
        ...gateway,
        completed: false,
        completedAt: null,
      }
      for (const [field, value] of Object.entries(expected)) {
        expect(task[field], `create returns ${field} as sent (rule: the task's fields)`).toEqual(value)
      }
      expect(task, 'unknown fields are ignored, not echoed').not.toHaveProperty('unknownField')
      const read = await send('GET', `/tasks/${task.id}`)
      expect(read.statusCode, `get by the id create returned answers 200: ${read.body}`).toBe(200)
      expect(read.json(), 'get returns what create returned').toEqual(task)
    })

    it('round trip: due dates with offsets, dates alone, markup in descriptions, types', async () => {
      const cases = [
        ['2024-03-10T23:30:00-05:00', '2024-03-11T04:30:00Z'],
        ['2024-06-01', '2024-06-01T00:00:00Z'],
        ['2024-06-01T08:15:00', '2024-06-01T08:15:00Z'],
      ]
      for (const [given, expected] of cases) {
        const task = await create({ subject: `due ${given}`, dueDate: given })
        expect(task.dueDate, `dueDate ${given} reads back in UTC`).toBe(expected)
        expect((await send('GET', `/tasks/${task.id}`)).json().dueDate, `dueDate ${given} on get`).toBe(expected)
      }
      const description = 'Line one\n<b>bold?</b> & "quotes" < >\nLine three'
      const task = await create({ subject: 'markup', description })
      expect((await send('GET', `/tasks/${task.id}`)).json().description, 'description survives as text').toBe(
        description,
      )
      for (const type of target.roundTripTypes ?? ['call', 'email', 'todo']) {
        const typed = await create({ subject: `type ${type}`, type })
        expect((await send('GET', `/tasks/${typed.id}`)).json().type, `type ${type} reads back`).toBe(type)
      }
    })

    it('not found: unknown and malformed ids are 404 on get and update', async () => {
      for (const id of [`${CONNECTION}.${target.missingNativeId}`, 'nope', 'other.123', `${CONNECTION}.`]) {
        const get = await send('GET', `/tasks/${encodeURIComponent(id)}`)
        expect(get.statusCode, `get ${id} is 404 (rule: task not found): ${get.body}`).toBe(404)
        expect(get.json()).toMatchObject({ statusCode: 404, error: 'Not Found' })
        const patch = await send('PATCH', `/tasks/${encodeURIComponent(id)}`, { completed: true })
        expect(patch.statusCode, `update ${id} is 404`).toBe(404)
      }
    })

    const crafted = () =>
      CRAFTED_NATIVE_IDS.flatMap((native) => {
        const id = encodeId(CONNECTION, native)
        return id ? [{ native, id }] : []
      })
    /** Checks that what the CRM saw since `from` are task operations only. */
    const onlyTaskOperations = (from: number, what: string) => {
      if (!target.seen || !target.taskPaths) return
      const outside = target.seen().slice(from).filter((request) => !target.taskPaths!.test(request))
      expect(outside, `calls ${what} made outside the task operations`).toEqual([])
    }

    it('crafted ids: 404 on every single-task route, and never a call outside the task operations', async () => {
      const adapter = app.gateway.current.runtime.connections.get(CONNECTION)!.adapter.tasks!
      const before = target.seen?.().length ?? 0
      for (const { native, id } of crafted()) {
        const seenBefore = target.seen?.().length ?? 0
        const url = `/tasks/${encodeURIComponent(id)}`
        for (const [method, payload] of [
          ['GET', undefined],
          ['PATCH', { completed: true }],
          ['PUT', { subject: 'moved' }],
          ['PATCH', { subject: 'moved', ...(target.refs?.contactId ? { contactId: target.refs.contactId } : {}) }],
        ] as const) {
          const res = await send(method, url, payload)
          expect(res.statusCode, `${method} of crafted id ${JSON.stringify(native)} is 404 (rule: task not found): ${res.body}`).toBe(404)
        }
        if (!adapter.isNativeId(native)) {
          expect(target.seen?.().slice(seenBefore) ?? [], `crafted id ${JSON.stringify(native)} never reaches the CRM`).toEqual([])
        }
      }
      onlyTaskOperations(before, 'for crafted ids')
    })

    it('crafted ids: left out of batch get and batch complete, and never a call outside the task operations', async () => {
      const existing = await create({ subject: 'real' })
      const before = target.seen?.().length ?? 0
      const ids = crafted().map(({ id }) => id)
      const batch = await send('POST', '/tasks/batch', { ids: [...ids, existing.id] })
      expect(batch.statusCode, `batch get with crafted ids answers 200: ${batch.body}`).toBe(200)
      expect(batch.json().map((task: { id: string }) => task.id), 'crafted ids are left out of a batch get').toEqual([existing.id])
      const done = await send('PATCH', '/tasks/batch', { ids: [existing.id, ...ids], completed: true })
      expect(done.statusCode, `batch complete with crafted ids answers 200: ${done.body}`).toBe(200)
      expect(done.json().map((task: { id: string }) => task.id), 'crafted ids are left out of a batch complete').toEqual([existing.id])
      onlyTaskOperations(before, 'for batches with crafted ids')
    })

    it('update: writable fields change, completion is idempotent, reopening clears completedAt', async () => {
      const task = await create({ subject: 'to update', dueDate: '2024-01-15' })
      const changed = await send('PATCH', `/tasks/${task.id}`, { subject: 'updated', dueDate: '2024-02-01T09:00:00Z' })
      expect(changed.statusCode).toBe(200)
      expect(changed.json()).toMatchObject({ id: task.id, subject: 'updated', dueDate: '2024-02-01T09:00:00Z' })

      const done = (await send('PATCH', `/tasks/${task.id}`, { completed: true })).json()
      expect(done.completed, 'completed: true').toBe(true)
      expect(Date.parse(done.completedAt), 'completedAt is a date-time').not.toBeNaN()
      await new Promise((resolve) => setTimeout(resolve, 1100))
      const again = (await send('PUT', `/tasks/${task.id}`, { completed: true })).json()
      expect(again.completedAt, 'completing again keeps the first completedAt').toBe(done.completedAt)

      const reopened = (await send('PATCH', `/tasks/${task.id}`, { completed: false })).json()
      expect(reopened).toMatchObject({ completed: false, completedAt: null })
    })

    it('batch get: more ids than one native batch, order of first appearance, missing left out', async () => {
      const count = Math.min(batchRead * 2 + 1, 25)
      const tasks = []
      for (let i = 0; i < count; i++) tasks.push(await create({ subject: `batch ${i}` }))
      const ids = tasks.map((task) => task.id).reverse()
      const asked = [
        `${CONNECTION}.${target.missingNativeId}`,
        ...ids,
        ids[0],
        'malformed id',
        `gone.${target.missingNativeId}`,
      ]
      const res = await send('POST', '/tasks/batch', { ids: asked })
      expect(res.statusCode, `batch get answers 200; missing ids are left out, never an error: ${res.body}`).toBe(200)
      expect(
        res.json().map((task: { id: string }) => task.id),
        'batch get: existing ids once each, in request order',
      ).toEqual(ids)
      expect((await send('POST', '/tasks/batch', { ids: [] })).json(), 'ids: [] gives []').toEqual([])
    })

    it('batch complete: more ids than one native batch, idempotent, missing left out', async () => {
      const count = Math.min(batchUpdate * 2 + 1, 12)
      const tasks = []
      for (let i = 0; i < count; i++) tasks.push(await create({ subject: `complete ${i}` }))
      const ids = tasks.map((task) => task.id)
      const first = await send('PATCH', '/tasks/batch', {
        ids: [...ids, `${CONNECTION}.${target.missingNativeId}`],
        completed: true,
      })
      expect(first.statusCode, `batch complete answers 200; missing ids are left out, never an error: ${first.body}`).toBe(200)
      const done = first.json()
      expect(done.map((task: { id: string }) => task.id), 'batch complete returns the existing ids').toEqual(ids)
      for (const task of done) expect(task, 'each is completed').toMatchObject({ completed: true })
      const second = (await send('PATCH', '/tasks/batch', { ids, completed: true })).json()
      expect(
        second.map((task: { completedAt: string }) => task.completedAt),
        'completing again keeps each first completedAt',
      ).toEqual(done.map((task: { completedAt: string }) => task.completedAt))
      const read = (await send('POST', '/tasks/batch', { ids })).json()
      for (const task of read) expect(task.completed, 'batch get sees the completion').toBe(true)
      const reopened = (await send('PATCH', '/tasks/batch', { ids: ids.slice(0, 2), completed: false })).json()
      for (const task of reopened) expect(task, 'reopened').toMatchObject({ completed: false, completedAt: null })
    })

    // A target without the hook cannot be checked: reported as skipped, not as a pass.
    it('concurrency: the connection limit holds at the CRM', async (ctx) => {
      if (!target.peakInFlight) return ctx.skip('the target does not count requests in flight')
      const ids = []
      for (let i = 0; i < 8; i++) ids.push((await create({ subject: `parallel ${i}` })).id)
      await send('PATCH', '/tasks/batch', { ids, completed: true })
      expect(target.peakInFlight(), 'requests in flight never exceed concurrency 3').toBeLessThanOrEqual(3)
    })

    it('upstream failures: reported as 502, never as an empty result', async (ctx) => {
      if (!target.breakUpstream || !target.heal) return ctx.skip('the target cannot make its CRM fail')
      const task = await create({ subject: 'before the outage' })
      target.breakUpstream('unavailable')
      try {
        const batch = await send('POST', '/tasks/batch', { ids: [task.id] })
        expect(batch.statusCode, 'a failing CRM is a 5xx on batch get, not []').toBeGreaterThanOrEqual(502)
        const get = await send('GET', `/tasks/${task.id}`)
        expect([502, 503], 'a failing CRM is 502 or 503 on get').toContain(get.statusCode)
        target.breakUpstream('auth')
        const auth = await send('POST', '/tasks', { subject: 'x' })
        expect(auth.statusCode, 'rejected credentials are a 502').toBeGreaterThanOrEqual(502)
      } finally {
        target.heal()
      }
    })
  })
}
