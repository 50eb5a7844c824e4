import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CloseGateway, closeGateway } from './fake/gateway.ts'
import { CloseFake } from './fake/server.ts'

/**
 * Creates whose answer is lost, on every kind the gateway creates in Close: the fake applies the
 * create and drops the connection, and search trails new records by a minute (Close's index
 * lag), so a lookup by search cannot see what the lost create made. Sent again, each create finds
 * what the first one made (the event log for leads and contacts, lists by creation time for tasks
 * and activities) and makes nothing twice.
 */
describe('close: lost answers on every create', () => {
  let fake: CloseFake
  let gateway: CloseGateway
  beforeEach(async () => {
    fake = await CloseFake.start({ searchLagMs: 60_000 })
    gateway = await closeGateway(fake, { retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 20 } })
  })
  afterEach(async () => {
    await gateway.close()
    await fake.close()
    expect(fake.violations).toEqual([])
  })

  it('an export of a contact whose answer was lost, sent again, answers the contact it made', async () => {
    const body = { contacts: [{ externalId: 'lost-1', email: 'lost@acme.example', firstName: 'Lost', lastName: 'Answer' }] }
    fake.loseNextCreate('contact', 'reset')
    const first = await gateway.send('POST', '/contacts', body)
    expect(first.body.results ?? [], 'the first export cannot say what it made').toEqual([])
    const again = await gateway.send('POST', '/contacts', body)
    expect(again.status, JSON.stringify(again.body)).toBe(200)
    const [made] = [...fake.records.contacts.values()].filter((c) => c.emails[0]?.email === 'lost@acme.example')
    expect(again.body.results).toEqual([{ externalId: 'lost-1', crmId: `close.${made!.id}` }])
    expect(fake.calls()['POST /api/v1/contact/'], 'created once').toBe(1)
  })

  it('an export of a company whose answer was lost, sent again, answers the lead it made', async () => {
    const body = { companies: [{ externalId: 'lost-c', name: 'Lost Answers Inc', domain: 'lost-answers.example' }] }
    fake.loseNextCreate('lead', 'reset')
    await gateway.send('POST', '/companies', body)
    const again = await gateway.send('POST', '/companies', body)
    const made = [...fake.records.leads.values()].filter((l) => l.name === 'Lost Answers Inc')
    expect(made.length, 'one lead').toBe(1)
    expect(again.body.results).toEqual([{ externalId: 'lost-c', crmId: `close.${made[0]!.id}` }])
  })

  it('a keyed task create whose answer was lost, sent again with its key, answers the task it made', async () => {
    const body = { subject: 'Call back', dueDate: '2026-03-01T10:00:00Z', companyId: gateway.refs.companyId, contactId: gateway.refs.contactId }
    const key = { 'idempotency-key': 'lost-task-1' }
    fake.loseNextCreate('task', 'reset')
    const first = await gateway.send('POST', '/tasks', body, key)
    expect(first.status).toBeGreaterThanOrEqual(500)
    const again = await gateway.send('POST', '/tasks', body, key)
    expect(again.status, JSON.stringify(again.body)).toBe(201)
    const made = [...fake.tasks.tasks.values()].filter((t) => t.text === 'Call back')
    expect(made.length, 'one task').toBe(1)
    expect(again.body.id).toBe(`close.${made[0]!.id}`)
  })

  it('a message whose create was lost, sent again, answers the activity it logged', async () => {
    const body = { type: 'EMAIL', direction: 'OUTBOUND', subject: 'Hi', body: 'Hello there', occurredAt: '2026-03-01T10:00:00Z', contactId: gateway.refs.contactId, metadata: { messageId: 'lost-message-1' } }
    fake.loseNextCreate('activity/email', 'reset')
    const first = await gateway.send('POST', '/activities', body)
    expect(first.status).toBeGreaterThanOrEqual(500)
    const again = await gateway.send('POST', '/activities', body)
    expect(again.status, JSON.stringify(again.body)).toBe(200)
    const logged = [...fake.activities.activities.values()].filter((a) => a.type === 'Email')
    expect(logged.length, 'one e-mail').toBe(1)
    expect(again.body.id).toBe(`close.${logged[0]!.id}`)
  })
})

describe('close: an export sent again while search has not caught up', () => {
  it('answers the contacts the first made, from the gateway’s log of creates, and makes none twice', async () => {
    const fake = await CloseFake.start({ searchLagMs: 60_000 })
    const gateway = await closeGateway(fake)
    try {
      const contacts = Array.from({ length: 10 }, (_, i) => ({ externalId: `lag-${i}`, email: `lag${i}@acme.example`, firstName: 'Lag' }))
      const first = await gateway.send('POST', '/contacts', { contacts })
      const again = await gateway.send('POST', '/contacts', { contacts })
      expect(again.status, JSON.stringify(again.body)).toBe(200)
      expect(again.body.results).toEqual(first.body.results)
      expect(fake.calls()['POST /api/v1/contact/'], 'each made once').toBe(10)
      expect(fake.violations).toEqual([])
    } finally {
      await gateway.close()
      await fake.close()
    }
  })
})
