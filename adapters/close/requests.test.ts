import { MockAgent } from 'undici'
import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { headers, testApp } from '../../src/kit/testing.ts'

/**
 * The exact requests the adapter sends, through the gateway, to undici's MockAgent with the
 * network shut: every path ends in `/`, the API key goes as HTTP Basic (the key as user name, an
 * empty password), to `https://api.close.com` by default, and every body is what Close's reference
 * describes. Each answer is a trimmed one of the shape Close answers (ids of Close's form).
 */
const ORIGIN = 'https://api.close.com'
const API_KEY = 'api_0123456789abcdefghijklmnopqrstuvwxyzABCDEF'
const BASIC = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`
const id = (prefix: string, n: number) => `${prefix}_${String(n).padStart(43, '0')}`
const LEAD = id('lead', 1)
const CONTACT = id('cont', 2)
const TASK = id('task', 3)
const DONE = id('acti', 4)
const USER = id('user', 5)
const EXTERNAL = `cf_${'E'.repeat(43)}`
const STATUS = `cf_${'S'.repeat(43)}`
const AT = '2026-01-05T10:00:00.000000+00:00'
const JSON_HEADERS = { headers: { 'content-type': 'application/json', ratelimit: 'limit=100, remaining=99, reset=5' } }

const lead = { id: LEAD, name: 'Acme', url: 'https://acme.example', date_created: AT, date_updated: AT, [`custom.${EXTERNAL}`]: 'C-1' }
const contact = { id: CONTACT, lead_id: LEAD, name: 'Ana Ruiz', title: 'CEO', emails: [{ email: 'ana@acme.example', type: 'office' }], phones: [], urls: [], date_created: AT, date_updated: AT }
const task = (complete: boolean) => ({ id: TASK, lead_id: LEAD, contact_id: CONTACT, assigned_to: USER, text: 'Call Ana', date: '2026-02-01T09:00:00.000000+00:00', is_dateless: false, is_complete: complete, object_type: complete ? 'taskcompleted' : null, object_id: complete ? DONE : null, date_created: AT, date_updated: AT })

interface Seen {
  method: string
  path: string
  body?: unknown
}

describe('close requests', () => {
  let agent: MockAgent
  let app: FastifyInstance
  let seen: Seen[]
  /** Answers each request Close would get by `answer`, and records it. */
  const serve = (answer: (request: Seen) => unknown) => {
    agent
      .get(ORIGIN)
      .intercept({ method: () => true, path: () => true, headers: { authorization: BASIC } })
      .reply((request) => {
        const call: Seen = { method: request.method, path: String(request.path), ...(request.body && { body: JSON.parse(String(request.body)) }) }
        seen.push(call)
        return { statusCode: 200, data: JSON.stringify(answer(call)), responseOptions: JSON_HEADERS }
      })
      .persist()
  }
  const send = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers, ...(payload && { payload }) })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json()
  }

  beforeEach(async () => {
    agent = new MockAgent()
    agent.disableNetConnect()
    seen = []
    app = await testApp({
      connections: {
        close: { adapter: 'close', apiKey: API_KEY, fieldMap: { contacts: { externalId: EXTERNAL }, companies: { externalId: EXTERNAL, campaignSequenceStatus: STATUS } } },
      },
      dispatcher: agent,
    })
  })
  afterEach(async () => {
    await app.close()
    await agent.close()
  })

  it('companies: one search of every key, a create per lead, an update with only what changed', async () => {
    serve((call) => (call.path.startsWith('/api/v1/data/search/') ? { data: [], cursor: null } : lead))
    await send('POST', '/companies', { companies: [{ externalId: 'C-1', name: 'Acme', domain: 'acme.example', campaignSequenceStatus: 'step 2' }] })
    await send('PUT', '/companies', { companies: [{ crmId: `close.${LEAD}`, name: 'Acme Corp' }] })
    const fields = `id%2Cname%2Curl%2Cdate_created%2Cdate_updated%2Ccustom.${EXTERNAL}%2Ccustom.${STATUS}`
    const search = (condition: object) => ({
      method: 'POST',
      path: '/api/v1/data/search/',
      body: { query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, condition] }, _fields: { lead: ['id', 'name', 'url', 'date_created', 'date_updated', `custom.${EXTERNAL}`, `custom.${STATUS}`] }, _limit: 200 },
    })
    expect(seen).toEqual([
      search({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: EXTERNAL }, condition: { type: 'term', values: ['C-1'] } }),
      search({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'url' }, condition: { type: 'text', mode: 'phrase', value: 'acme.example' } }),
      { method: 'POST', path: `/api/v1/lead/?_fields=${fields}`, body: { name: 'Acme', url: 'https://acme.example', [`custom.${EXTERNAL}`]: 'C-1', [`custom.${STATUS}`]: 'step 2' } },
      { method: 'PUT', path: `/api/v1/lead/${LEAD}/?_fields=${fields}`, body: { name: 'Acme Corp' } },
    ])
  })

  it('contacts: e-mails looked up through contact_email, a create without a lead, an update keeping the other addresses, an association that moves the contact', async () => {
    serve((call) => (call.path.startsWith('/api/v1/data/search/') ? { data: [], cursor: null } : call.method === 'PUT' ? { ...contact, lead_id: id('lead', 9) } : contact))
    await send('POST', '/contacts', { contacts: [{ externalId: 'L-1', email: 'Ana@Acme.example', firstName: 'Ana', lastName: 'Ruiz', title: 'CEO', phone: '+34600000000', linkedinUrl: 'https://linkedin.com/in/ana' }] })
    await send('PUT', '/contacts', { contacts: [{ crmId: `close.${CONTACT}`, email: 'ana.ruiz@acme.example' }] })
    await send('POST', '/associations', { associations: [{ contactCRMId: `close.${CONTACT}`, companyCRMId: `close.${id('lead', 9)}` }] })
    const fields = `id%2Clead_id%2Cname%2Ctitle%2Cemails%2Cphones%2Curls%2Cdate_created%2Cdate_updated%2Ccustom.${EXTERNAL}`
    const contactFields = ['id', 'lead_id', 'name', 'title', 'emails', 'phones', 'urls', 'date_created', 'date_updated', `custom.${EXTERNAL}`]
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/api/v1/data/search/',
        body: {
          query: { type: 'and', queries: [{ type: 'object_type', object_type: 'contact' }, { type: 'field_condition', field: { type: 'custom_field', custom_field_id: EXTERNAL }, condition: { type: 'term', values: ['L-1'] } }] },
          _fields: { contact: contactFields },
          _limit: 200,
        },
      },
      {
        method: 'POST',
        path: '/api/v1/data/search/',
        body: {
          query: {
            type: 'and',
            queries: [
              { type: 'object_type', object_type: 'contact' },
              {
                type: 'has_related',
                this_object_type: 'contact',
                related_object_type: 'contact_email',
                related_query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact_email', field_name: 'email' }, condition: { type: 'text', mode: 'exact_value', value: 'ana@acme.example' } },
              },
            ],
          },
          _fields: { contact: contactFields },
          _limit: 200,
        },
      },
      {
        method: 'POST',
        path: `/api/v1/contact/?_fields=${fields}`,
        body: {
          [`custom.${EXTERNAL}`]: 'L-1',
          name: 'Ana Ruiz',
          title: 'CEO',
          emails: [{ email: 'Ana@Acme.example', type: 'office' }],
          phones: [{ phone: '+34600000000', type: 'office' }],
          urls: [{ url: 'https://linkedin.com/in/ana', type: 'linkedin' }],
        },
      },
      { method: 'GET', path: `/api/v1/contact/${CONTACT}/?_fields=${fields}` },
      { method: 'PUT', path: `/api/v1/contact/${CONTACT}/?_fields=${fields}`, body: { emails: [{ email: 'ana.ruiz@acme.example', type: 'office' }, { email: 'ana@acme.example', type: 'office' }] } },
      { method: 'GET', path: `/api/v1/contact/${CONTACT}/?_fields=${fields}` },
      { method: 'PUT', path: `/api/v1/contact/${CONTACT}/?_fields=${fields}`, body: { lead_id: id('lead', 9) } },
    ])
  })

  it('tasks: a lead task made, read with the time of its completion, edited, completed in bulk by id__in and read back', async () => {
    let complete = false
    serve((call) => {
      if (call.path.startsWith('/api/v1/activity/task_completed/')) return { data: [{ id: DONE, task_id: TASK, date_created: '2026-01-06T08:00:00.000000+00:00' }], has_more: false }
      if (call.method === 'PUT' && call.path.startsWith('/api/v1/task/?')) {
        complete = true
        return {}
      }
      if (call.path.startsWith('/api/v1/task/?')) return { data: [task(complete)], has_more: false }
      return task(complete)
    })
    const made = await send('POST', '/tasks', { subject: 'Call Ana', dueDate: '2026-02-01T09:00:00Z', ownerId: `close.${USER}`, contactId: `close.${CONTACT}`, companyId: `close.${LEAD}` })
    await send('PATCH', `/tasks/${made.id}`, { subject: 'Call Ana again' })
    const done = await send('PATCH', '/tasks/batch', { ids: [made.id], completed: true })
    expect(done[0].completedAt).toBe('2026-01-06T08:00:00Z')
    expect(seen).toEqual([
      { method: 'POST', path: '/api/v1/task/', body: { lead_id: LEAD, contact_id: CONTACT, text: 'Call Ana', date: '2026-02-01T09:00:00.000Z', assigned_to: USER } },
      { method: 'PUT', path: `/api/v1/task/${TASK}/`, body: { text: 'Call Ana again' } },
      { method: 'PUT', path: `/api/v1/task/?id__in=${TASK}`, body: { is_complete: true } },
      { method: 'GET', path: `/api/v1/task/?id__in=${TASK}&_limit=100` },
      { method: 'GET', path: `/api/v1/activity/task_completed/?id__in=${DONE}&_limit=1&_fields=id%2Ctask_id%2Cdate_created` },
    ])
  })

  it('activities: an outgoing e-mail logged as sent, a reply as inbox from the contact, a LinkedIn message as a note; never a status that sends', async () => {
    serve((call) => {
      if (call.path.startsWith('/api/v1/contact/')) return contact
      return { id: DONE, lead_id: LEAD, contact_id: CONTACT, date_created: AT, status: 'sent' }
    })
    const message = { subject: 'Hello', body: '<p>Hi Ana</p>', occurredAt: '2026-01-05T10:00:00Z', contactId: `close.${CONTACT}`, companyId: `close.${LEAD}` }
    await send('POST', '/activities', { type: 'EMAIL', direction: 'OUTBOUND', ...message })
    await send('POST', '/activities', { type: 'EMAIL', direction: 'INBOUND', ...message })
    await send('POST', '/activities', { type: 'LINKEDIN', direction: 'OUTBOUND', subject: 'Hi', body: 'Nice to meet you', occurredAt: '2026-01-05T10:00:00Z', contactId: `close.${CONTACT}` })
    const email = { lead_id: LEAD, contact_id: CONTACT, activity_at: '2026-01-05T10:00:00.000Z', subject: 'Hello', body_html: '<p>Hi Ana</p>', body_text: 'Hi Ana' }
    const fields = `id%2Clead_id%2Cname%2Ctitle%2Cemails%2Cphones%2Curls%2Cdate_created%2Cdate_updated%2Ccustom.${EXTERNAL}`
    expect(seen).toEqual([
      { method: 'POST', path: '/api/v1/activity/email/', body: { ...email, status: 'sent', direction: 'outgoing' } },
      { method: 'GET', path: `/api/v1/contact/${CONTACT}/?_fields=${fields}` },
      { method: 'POST', path: '/api/v1/activity/email/', body: { ...email, status: 'inbox', direction: 'incoming', sender: 'ana@acme.example' } },
      // The reply's read showed the contact's lead: the note goes there with no read of its own.
      { method: 'POST', path: '/api/v1/activity/note/', body: { lead_id: LEAD, contact_id: CONTACT, activity_at: '2026-01-05T10:00:00.000Z', note: 'LinkedIn message, sent\n\nHi\n\nNice to meet you' } },
    ])
  })

  it("users: the organization's users in one page of 1,000", async () => {
    serve(() => ({ data: [{ id: USER, email: 'ana@acme.example', first_name: 'Ana', last_name: 'Ruiz' }], has_more: false }))
    expect(await send('GET', '/users')).toEqual([{ id: `close.${USER}`, name: 'Ana Ruiz', email: 'ana@acme.example' }])
    expect(seen).toEqual([{ method: 'GET', path: '/api/v1/user/?_limit=1000&_skip=0' }])
  })
})
