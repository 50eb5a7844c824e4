import type { FastifyInstance } from 'fastify'
import { MockAgent } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'

/**
 * The exact requests of the lost-create lookups, against undici's MockAgent with the network shut:
 * a create whose connection drops after it was sent is in doubt, and its resend asks Close's event
 * log (leads, contacts) or the lead's list of tasks or activities made since the attempt.
 */
const ORIGIN = 'https://api.close.com'
const API_KEY = 'api_0123456789abcdefghijklmnopqrstuvwxyzABCDEF'
const id = (prefix: string, n: number) => `${prefix}_${String(n).padStart(43, '0')}`
const LEAD = id('lead', 1)
const CONTACT = id('cont', 2)
const TASK = id('task', 3)
const EMAIL = id('acti', 4)
const JSON_HEADERS = { headers: { 'content-type': 'application/json' } }
const now = () => new Date().toISOString().replace('Z', '000+00:00')

interface Seen {
  method: string
  path: string
  query: Record<string, string>
}

describe('close lost-create lookup requests', () => {
  let agent: MockAgent
  let app: FastifyInstance
  let seen: Seen[]
  let before: number
  /** Every request answered by `answer`, the creates' connection dropped the first time. */
  const serve = (answer: (request: Seen) => unknown, create: string) => {
    let dropped = false
    agent
      .get(ORIGIN)
      .intercept({ method: () => true, path: () => true })
      .reply((request) => {
        const [path, query] = String(request.path).split('?')
        const call = { method: request.method, path: path!, query: Object.fromEntries(new URLSearchParams(query ?? '')) }
        seen.push(call)
        if (call.method === 'POST' && call.path === create && !dropped) {
          dropped = true
          throw new Error('the connection dropped once the create was sent')
        }
        return { statusCode: 200, data: JSON.stringify(answer(call)), responseOptions: JSON_HEADERS }
      })
      .persist()
  }
  /** The lookup's call: its query but for the moment it names, which is checked here. */
  const lookup = (path: string) => {
    const call = seen.find((c) => c.method === 'GET' && c.path === path)
    expect(call, `a lookup at ${path}: ${JSON.stringify(seen)}`).toBeDefined()
    const { date_updated__gte: updated, date_created__gte: created, ...rest } = call!.query
    const since = Date.parse(updated ?? created!)
    // Before the attempt, by the core's margin for Close's clock (minutes, not hours).
    expect(since).toBeLessThanOrEqual(before)
    expect(since).toBeGreaterThan(before - 600_000)
    return rest
  }

  beforeEach(async () => {
    agent = new MockAgent()
    agent.disableNetConnect()
    seen = []
    before = Date.now()
    app = await testApp({ connections: { close: { adapter: 'close', apiKey: API_KEY, retry: { maxRetries: 0 } } }, dispatcher: agent })
  })
  afterEach(async () => {
    await app.close()
    await agent.close()
  })

  it("a contact's: the event log's created contacts since the attempt", async () => {
    const contact = { id: CONTACT, lead_id: LEAD, name: 'Ana', emails: [{ email: 'ana@acme.example' }], date_created: now(), date_updated: now() }
    serve((call) => {
      if (call.path === '/api/v1/data/search/') return { data: [], cursor: null }
      if (call.path === '/api/v1/event/') return { data: [{ id: 'ev_1', object_type: 'contact', object_id: CONTACT, action: 'created', date_created: now(), date_updated: now(), data: contact }], cursor_next: null }
      return contact
    }, '/api/v1/contact/')
    const body = { contacts: [{ externalId: 'L-1', email: 'ana@acme.example', firstName: 'Ana' }] }
    await app.inject({ method: 'POST', url: '/contacts', headers, payload: body })
    const again = await app.inject({ method: 'POST', url: '/contacts', headers, payload: body })
    expect(again.json().results).toEqual([{ externalId: 'L-1', crmId: `close.${CONTACT}` }])
    expect(lookup('/api/v1/event/')).toEqual({ object_type: 'contact', action: 'created', _limit: '50' })
    expect(seen.filter((c) => c.method === 'POST' && c.path === '/api/v1/contact/').length, 'created once').toBe(1)
  })

  it("a keyed task's: the lead's tasks made since the attempt", async () => {
    const task = { id: TASK, lead_id: LEAD, contact_id: null, assigned_to: null, text: 'Call', date: now(), is_dateless: true, is_complete: false, date_created: now(), date_updated: now() }
    serve((call) => (call.path === '/api/v1/task/' && call.method === 'GET' ? { data: [task], has_more: false } : task), '/api/v1/task/')
    const send = () => app.inject({ method: 'POST', url: '/tasks', headers: { ...headers, 'idempotency-key': 'k-1' }, payload: { subject: 'Call', companyId: `close.${LEAD}` } })
    await send()
    const again = await send()
    expect(again.statusCode, again.body).toBe(201)
    expect(lookup('/api/v1/task/')).toEqual({ lead_id: LEAD, _limit: '1000', _skip: '0' })
  })

  it("a message's: the lead's e-mails made since the attempt", async () => {
    const email = { id: EMAIL, lead_id: LEAD, contact_id: null, status: 'sent', subject: 'Hi', body_text: 'Hello', activity_at: '2026-01-05T10:00:00.000000+00:00', date_created: now() }
    serve((call) => (call.method === 'GET' ? { data: [email], has_more: false } : email), '/api/v1/activity/email/')
    const message = { type: 'EMAIL', direction: 'OUTBOUND', subject: 'Hi', body: 'Hello', occurredAt: '2026-01-05T10:00:00Z', companyId: `close.${LEAD}`, metadata: { messageId: 'm-1' } }
    await app.inject({ method: 'POST', url: '/activities', headers, payload: message })
    const again = await app.inject({ method: 'POST', url: '/activities', headers, payload: message })
    expect(again.statusCode, again.body).toBe(200)
    expect(again.json().id).toBe(`close.${EMAIL}`)
    expect(lookup('/api/v1/activity/email/')).toEqual({ lead_id: LEAD, _limit: '100', _skip: '0' })
  })
})
