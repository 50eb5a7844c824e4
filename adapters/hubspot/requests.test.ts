import { readFileSync } from 'node:fs'
import { MockAgent } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CallOptions, TaskPort } from '../../src/kit/spec.ts'
import { openTestAdapter } from '../../src/kit/testing.ts'

/**
 * The exact requests the adapter sends, against recorded answers: undici's MockAgent with the
 * network shut, so any request not listed here fails the test.
 */
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')
const ORIGIN = 'https://api.hubapi.com'
const options = (): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: () => {} })

describe('hubspot requests', () => {
  let agent: MockAgent
  let adapter: TaskPort
  beforeEach(async () => {
    agent = new MockAgent()
    agent.disableNetConnect()
    adapter = (await openTestAdapter({ adapter: 'hubspot', accessToken: 'pat-test-token' }, { dispatcher: agent })).tasks!
  })
  afterEach(async () => {
    agent.assertNoPendingInterceptors()
    await agent.close()
  })

  it('creates with the bearer token, string properties, hs_timestamp and HUBSPOT_DEFINED associations 204/192', async () => {
    let sent: unknown
    agent
      .get(ORIGIN)
      .intercept({
        method: 'POST',
        path: '/crm/objects/2026-09/tasks',
        headers: { authorization: 'Bearer pat-test-token', 'content-type': 'application/json' },
        body: (body) => {
          sent = JSON.parse(body)
          return true
        },
      })
      .reply(201, fixture('create-task.json'), { headers: { 'content-type': 'application/json' } })

    const task = await adapter.doCreate(
      {
        subject: 'Follow up with John',
        description: 'Discuss pricing proposal from last meeting',
        type: 'CALL',
        ownerId: '111',
        dueDate: Date.UTC(2024, 0, 15, 10),
        contactId: '501',
        companyId: '701',
      },
      options(),
    )
    expect(sent).toEqual({
      properties: {
        hs_task_subject: 'Follow up with John',
        hs_task_body: 'Discuss pricing proposal from last meeting',
        hs_task_type: 'CALL',
        hubspot_owner_id: '111',
        hs_timestamp: '2024-01-15T10:00:00.000Z',
      },
      associations: [
        { to: { id: '501' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
        { to: { id: '701' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 192 }] },
      ],
    })
    expect(task).toEqual({
      id: '51237890123',
      subject: 'Follow up with John',
      description: 'Discuss pricing proposal from last meeting',
      type: 'CALL',
      ownerId: '111',
      dueDate: Date.UTC(2024, 0, 15, 10),
      contactId: '501',
      companyId: '701',
      completed: false,
      completedAt: null,
      modifiedAt: Date.parse('2024-01-10T09:12:44.019Z'),
    })
  })

  it('reads a batch of more than three with batch/read and, at the same time, both v4 association kinds, leaving out what a 207 reports missing', async () => {
    const pool = agent.get(ORIGIN)
    const bodies: Record<string, unknown> = {}
    const record = (key: string) => (body: string) => {
      bodies[key] = JSON.parse(body)
      return true
    }
    pool
      .intercept({ method: 'POST', path: '/crm/objects/2026-09/tasks/batch/read', body: record('read') })
      .reply(207, fixture('batch-read-207.json'), { headers: { 'content-type': 'application/json' } })
    pool
      .intercept({ method: 'POST', path: '/crm/associations/2026-09/tasks/contacts/batch/read', body: record('contacts') })
      .reply(200, fixture('associations-contacts.json'), { headers: { 'content-type': 'application/json' } })
    pool
      .intercept({ method: 'POST', path: '/crm/associations/2026-09/tasks/companies/batch/read', body: record('companies') })
      .reply(207, fixture('associations-companies-none.json'), { headers: { 'content-type': 'application/json' } })

    const missing = ['99999999999', '99999999998', '99999999997']
    const tasks = await adapter.doGetMany(['51237890123', ...missing], options())
    expect(bodies.read).toEqual({
      properties: [
        'hs_task_subject',
        'hs_task_body',
        'hs_task_status',
        'hs_task_type',
        'hs_timestamp',
        'hubspot_owner_id',
        'hs_task_completion_date',
      ],
      propertiesWithHistory: [],
      inputs: [{ id: '51237890123' }, ...missing.map((id) => ({ id }))],
    })
    // The association reads go out with the task read, so they name every id asked for.
    expect(bodies.contacts).toEqual({ inputs: [{ id: '51237890123' }, ...missing.map((id) => ({ id }))] })
    expect(bodies.companies).toEqual({ inputs: [{ id: '51237890123' }, ...missing.map((id) => ({ id }))] })
    expect(tasks).toEqual([
      {
        id: '51237890123',
        subject: 'Send proposal',
        type: 'EMAIL',
        dueDate: Date.UTC(2024, 0, 15, 10),
        contactId: '501',
        completed: true,
        completedAt: Date.UTC(2024, 0, 15, 11, 30),
        modifiedAt: Date.UTC(2024, 0, 15, 11, 30),
      },
    ])
  })
})
