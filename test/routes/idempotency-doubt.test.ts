import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { HttpFake, SeenRequest } from '../conformance/fakes/http-fake.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { LOSING_TIMEOUTS, loseFirstCreate } from '../conformance/fakes/lost-answers.ts'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../../adapters/pipedrive/fake/pipedrive.ts'
import { SIMPLE_TOKEN, simpleRegistry, startSimpleCrm } from '../conformance/fakes/simple-crm.ts'
import { headers, testApp } from '../helpers/app.ts'
import { builtinAdapters } from '../../adapters/index.ts'

const create = (app: FastifyInstance, key: string, body: object) =>
  app.inject({ method: 'POST', url: '/tasks', headers: { ...headers, 'idempotency-key': key }, payload: body })

describe('a keyed create whose answer was lost never makes a second task', () => {
  const apps: FastifyInstance[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
  })
  const gateway = async (connection: Record<string, unknown>, registry = builtinAdapters) => {
    const app = await testApp({ connections: { crm: { ...LOSING_TIMEOUTS, ...connection } }, registry })
    apps.push(app)
    return app
  }

  describe('HubSpot: the retry answers the task HubSpot made, found by search', () => {
    let fake: HubSpotFake
    beforeAll(async () => {
      fake = await HubSpotFake.start()
    })
    afterAll(async () => {
      expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
      await fake.close()
    })
    const isCreate = (r: SeenRequest) => r.method === 'POST' && r.path === '/crm/objects/2026-09/tasks'
    const tasksWith = (subject: string) => [...fake.tasks.values()].filter((task) => task.properties.hs_task_subject === subject)

    it.each([
      ['the connection drops after HubSpot took the create', 'reset', 502],
      ['the answer comes after the headers timeout', 'late', 504],
    ] as const)('%s', async (_, how, status) => {
      const app = await gateway({ adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url })
      const subject = `lost answer ${how}`
      const body = { subject, description: 'Discuss pricing', contactId: '501', dueDate: '2024-01-15T12:00:00Z' }
      loseFirstCreate(fake.http, isCreate, how)
      const first = await create(app, `key-${how}`, body)
      expect(first.statusCode, first.body).toBe(status)
      expect(tasksWith(subject), 'HubSpot holds the task the first attempt made').toHaveLength(1)

      const retry = await create(app, `key-${how}`, body)
      expect(retry.statusCode, retry.body).toBe(201)
      expect(retry.headers['idempotent-replayed']).toBe('true')
      expect(retry.json()).toMatchObject({ id: `crm.${tasksWith(subject)[0]!.id}`, subject, description: 'Discuss pricing', contactId: 'crm.501' })
      const creates = fake.http.count('POST', '/crm/objects/2026-09/tasks')
      const again = await create(app, `key-${how}`, body)
      expect(again.json(), 'a third try answers the same task').toEqual(retry.json())
      expect(fake.http.count('POST', '/crm/objects/2026-09/tasks'), 'and sends no create').toBe(creates)
      expect(tasksWith(subject), 'exactly one task at HubSpot').toHaveLength(1)

      const other = await create(app, `key-${how}`, { ...body, subject: 'another task' })
      expect(other.statusCode, 'the key with another body is still refused').toBe(422)
    })

    it('a 5xx after sending is in doubt: while search shows no task, the retry is a 409 with Retry-After, and nothing is sent', async () => {
      const app = await gateway({ adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url })
      fake.http.queue.push({ status: 502, body: { status: 'error', message: 'Bad gateway', category: 'INTERNAL_ERROR' } })
      const body = { subject: 'a 502 that made nothing' }
      const first = await create(app, 'key-502', body)
      expect(first.statusCode).toBe(502)
      const creates = fake.http.count('POST', '/crm/objects/2026-09/tasks')
      const retry = await create(app, 'key-502', body)
      expect(retry.statusCode, retry.body).toBe(409)
      expect(retry.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_DOUBT', message: expect.stringContaining('does not show it yet') })
      expect(Number(retry.headers['retry-after'])).toBeGreaterThan(0)
      expect(fake.http.count('POST', '/crm/objects/2026-09/tasks'), 'the create is not sent again').toBe(creates)
      const reused = await create(app, 'key-502', { subject: 'another body' })
      expect(reused.statusCode, 'the key with another body is still refused').toBe(422)
    })

    it('a 4xx is no doubt: the retry sends the create', async () => {
      const app = await gateway({ adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url })
      fake.http.queue.push({ status: 400, body: { status: 'error', message: 'bad', category: 'VALIDATION_ERROR' } })
      expect((await create(app, 'key-400', { subject: 'refused once' })).statusCode).toBe(422)
      const retry = await create(app, 'key-400', { subject: 'refused once' })
      expect(retry.statusCode, retry.body).toBe(201)
      expect(retry.headers['idempotent-replayed']).toBeUndefined()
    })
  })

  describe('Pipedrive: the retry answers the activity Pipedrive made, found in the list of changes', () => {
    let fake: PipedriveFake
    beforeAll(async () => {
      fake = await PipedriveFake.start()
    })
    afterAll(async () => {
      expect(fake.violations, 'requests Pipedrive would refuse').toEqual([])
      await fake.close()
    })

    it('the connection drops after Pipedrive took the create', async () => {
      const app = await gateway({ adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url, typeMap: { call: 'call' } })
      const body = { subject: 'lost on Pipedrive', description: 'notes', type: 'call', contactId: '31', dueDate: '2024-03-01T09:30:00Z' }
      loseFirstCreate(fake.http, (r) => r.method === 'POST' && r.path === '/api/v2/activities', 'reset')
      const first = await create(app, 'pd-key', body)
      expect(first.statusCode, first.body).toBe(502)
      const retry = await create(app, 'pd-key', body)
      expect(retry.statusCode, retry.body).toBe(201)
      expect(retry.headers['idempotent-replayed']).toBe('true')
      const made = [...fake.activities.values()].filter((activity) => activity.subject === 'lost on Pipedrive')
      expect(made, 'exactly one activity at Pipedrive').toHaveLength(1)
      expect(retry.json()).toMatchObject({ id: `crm.${made[0]!.id}`, type: 'call', contactId: 'crm.31', dueDate: '2024-03-01T09:30:00Z' })
      expect(fake.http.count('POST', '/api/v2/activities')).toBe(1)
    })
  })

  describe('a CRM that cannot be searched: the retry is answered 409 for as long as the key is kept', () => {
    let fake: HttpFake
    beforeAll(async () => {
      fake = await startSimpleCrm()
    })
    afterAll(async () => {
      await fake.close()
    })

    it('never sends the create again', async () => {
      const app = await gateway({ adapter: 'simple', baseUrl: fake.url, token: SIMPLE_TOKEN }, simpleRegistry as never)
      loseFirstCreate(fake, (r) => r.method === 'POST' && r.path === '/tasks', 'reset')
      expect((await create(app, 'simple-key', { subject: 'unsearchable' })).statusCode).toBe(502)
      for (let i = 0; i < 2; i++) {
        const retry = await create(app, 'simple-key', { subject: 'unsearchable' })
        expect(retry.statusCode, retry.body).toBe(409)
        expect(retry.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_DOUBT', message: expect.stringContaining('cannot be searched') })
      }
      expect(fake.count('POST', '/tasks'), 'one create reached the CRM').toBe(1)
    })

    it('a refused connection is no doubt: the retry sends the create again', async () => {
      const closed = await startSimpleCrm()
      const url = closed.url
      await closed.close()
      const breaker = { failures: 1000, cooldownMs: 1000 }
      const app = await gateway({ adapter: 'simple', baseUrl: url, token: SIMPLE_TOKEN, breaker }, simpleRegistry as never)
      expect((await create(app, 'refused-key', { subject: 'never sent' })).json().code).toBe('UPSTREAM_UNAVAILABLE')
      const retry = await create(app, 'refused-key', { subject: 'never sent' })
      expect(retry.json().code, 'sent again, and refused again: not held in doubt').toBe('UPSTREAM_UNAVAILABLE')
    })
  })
})
