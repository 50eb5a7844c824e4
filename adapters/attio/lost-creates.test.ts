import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { LOSING_TIMEOUTS, headers, loseFirstCreate, testApp } from '../../src/kit/testing.ts'
import { ATTIO_FIELD_MAP, addEnginyAttributes } from './fake/gateway.ts'
import { ATTIO_TOKEN, AttioFake, isAttioCreate } from './fake/server.ts'

/**
 * Every create whose answer is lost after Attio applied it (the connection dropped, or the answer
 * came after the gateway stopped waiting): Enginy sends it again, as it does, until it is
 * answered, and Attio ends up holding one record, task or note, the one answered.
 */
let fake: AttioFake
let app: FastifyInstance

async function start() {
  fake = await AttioFake.start()
  addEnginyAttributes(fake)
  app = await testApp({ connections: { attio: { adapter: 'attio', accessToken: ATTIO_TOKEN, baseUrl: fake.url, fieldMap: ATTIO_FIELD_MAP, ...LOSING_TIMEOUTS } } })
}

afterEach(async () => {
  await app.close()
  await fake.close()
})

/** Sends until a 2xx comes back (a 5xx meanwhile is the gateway not yet able to tell). */
async function untilAnswered(method: 'POST', url: string, payload: object, extra: Record<string, string> = {}) {
  const statuses: number[] = []
  for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 250))) {
    const res = await app.inject({ method, url, headers: { ...headers, ...extra }, payload })
    statuses.push(res.statusCode)
    if (res.statusCode < 300) return { body: res.json(), statuses }
    expect(res.statusCode, `never a 4xx while the first create is in doubt: ${res.body}`).toBeGreaterThanOrEqual(500)
  }
  throw new Error(`never answered: ${statuses.join(', ')}`)
}

describe('attio: creates whose answer was lost are found, not repeated', () => {
  for (const how of ['reset', 'late'] as const) {
    it(`a contact asserted by e-mail (${how}): the assert sent again finds the person`, async () => {
      await start()
      loseFirstCreate(fake.http, isAttioCreate, how)
      const { body } = await untilAnswered('POST', '/contacts', { contacts: [{ externalId: 'L-1', email: 'lost@acme.example', firstName: 'Lost' }] })
      expect(body.results).toHaveLength(1)
      expect(fake.people.records.size).toBe(1)
    }, 60_000)
  }

  it('a contact and a company without e-mail or domain (a plain create): found by externalId, one each', async () => {
    await start()
    for (const [kind, record, store] of [
      ['contacts', { externalId: 'L-2', firstName: 'No', lastName: 'Email' }, () => fake.people],
      ['companies', { externalId: 'C-2', name: 'No Domain Ltd' }, () => fake.companies],
    ] as const) {
      loseFirstCreate(fake.http, (r) => r.method === 'POST' && isAttioCreate(r), 'reset')
      const { body } = await untilAnswered('POST', `/${kind}`, { [kind]: [record] })
      expect(body.results.map((r: { externalId: string }) => r.externalId)).toEqual([record.externalId])
      expect(store().records.size, `one ${kind} record`).toBe(1)
      expect(fake.calls(`POST /v2/objects/${kind === 'contacts' ? 'people' : 'companies'}/records`), 'created once').toBe(1)
    }
  }, 60_000)

  it('a task with an Idempotency-Key: the retry answers the task the lost create made', async () => {
    await start()
    loseFirstCreate(fake.http, (r) => r.path === '/v2/tasks', 'reset')
    const task = { subject: 'Call back', description: 'About pricing', dueDate: '2026-12-24T10:00:00Z', ownerId: fake.workspace.members[0]!.id }
    const { body, statuses } = await untilAnswered('POST', '/tasks', task, { 'idempotency-key': 'lost-task-1' })
    expect(statuses[0], 'the first answer is lost: the gateway cannot say the task was made').toBeGreaterThanOrEqual(500)
    expect(body).toMatchObject({ subject: 'Call back', description: 'About pricing' })
    expect(fake.tasks.tasks.size).toBe(1)
    expect(body.id).toBe(`attio.${[...fake.tasks.tasks.keys()][0]}`)
  }, 60_000)

  it('an activity with a message id: the resend answers the note the lost create made', async () => {
    await start()
    const contactId = fake.seed('people', { email_addresses: ['ana@acme.example'] })
    loseFirstCreate(fake.http, (r) => r.path === '/v2/notes', 'reset')
    const message = { type: 'EMAIL', direction: 'OUTBOUND', subject: '[1/3] Hello', body: '<p>Hi Ana</p>', contactId: `attio.${contactId}`, metadata: { messageId: 'lost-1' } }
    const { body, statuses } = await untilAnswered('POST', '/activities', message)
    expect(statuses[0]).toBeGreaterThanOrEqual(500)
    expect(fake.notes.notes.size, 'one note').toBe(1)
    expect(body.id).toBe(`attio.${[...fake.notes.notes.keys()][0]}`)
  }, 60_000)
})
