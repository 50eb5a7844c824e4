import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'
import { ATTIO_TOKEN, AttioFake } from './fake/server.ts'

/**
 * A task or a note naming a record or member Attio does not hold: Attio answers 404 with its
 * reason (`Record with ID "…" not found`), which is the write's refusal, not a missing route: a
 * 422 led by the field, and nothing written. A task that is itself missing stays a 404.
 */
const MISSING = '00000000-0000-0000-0000-000000000009'
let fake: AttioFake
let app: FastifyInstance
let person: string

beforeAll(async () => {
  fake = await AttioFake.start()
  person = fake.seed('people', { email_addresses: ['ana@acme.example'] })
  app = await testApp({ connections: { attio: { adapter: 'attio', accessToken: ATTIO_TOKEN, baseUrl: fake.url } } })
})

afterAll(async () => {
  await app.close()
  await fake.close()
})

const send = (method: 'POST' | 'PATCH', url: string, payload: object) => app.inject({ method, url, headers, payload })

describe('attio: writes naming what Attio does not hold', () => {
  it('a task naming a missing contact, company or owner is a 422 naming the field, and no task is made', async () => {
    for (const [field, value] of [
      ['contactId', `attio.${MISSING}`],
      ['companyId', `attio.${MISSING}`],
      ['ownerId', MISSING],
    ] as const) {
      const res = await send('POST', '/tasks', { subject: 'Call', [field]: value })
      expect(res.statusCode, res.body).toBe(422)
      expect(res.json().message).toMatch(new RegExp(`^body/${field}: Attio refused the task: .*${MISSING}`))
    }
    expect(fake.tasks.tasks.size).toBe(0)
  })

  it('a task moved to a missing company is a 422 and stays as it was; a missing task is a 404', async () => {
    const made = (await send('POST', '/tasks', { subject: 'Call', contactId: `attio.${person}`, dueDate: '2026-12-24' })).json()
    const moved = await send('PATCH', `/tasks/${made.id}`, { companyId: `attio.${MISSING}`, dueDate: '2027-01-01' })
    expect(moved.statusCode, moved.body).toBe(422)
    expect(moved.json().message).toMatch(/^body\/companyId: /)
    expect((await app.inject({ method: 'GET', url: `/tasks/${made.id}`, headers })).json()).toMatchObject({ contactId: `attio.${person}`, dueDate: '2026-12-24T00:00:00Z' })
    expect((await send('PATCH', `/tasks/attio.${MISSING}`, { completed: true })).statusCode).toBe(404)
    expect((await send('PATCH', `/tasks/attio.${MISSING}`, { ownerId: fake.workspace.members[0]!.id })).statusCode).toBe(404)
  })

  it('an activity on a missing contact is a 422 naming contactId, and no note is made', async () => {
    const res = await send('POST', '/activities', { type: 'EMAIL', subject: 'Hi', contactId: `attio.${MISSING}` })
    expect(res.statusCode, res.body).toBe(422)
    expect(res.json().message).toMatch(/^body\/contactId: Attio refused the note: /)
    expect(fake.notes.notes.size).toBe(0)
  })
})
