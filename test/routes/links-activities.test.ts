import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LINK_TOKEN, headers, testApp } from '../helpers/app.ts'

/** Associations, activities, users and record links, on the memory adapter. */
describe('associations, activities, users and links', () => {
  let app: FastifyInstance
  let contact: string
  let company: string
  beforeAll(async () => {
    app = await testApp({
      connections: {
        local: {
          adapter: 'memory',
          users: [{ id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' }, { id: 'u-2', name: 'Inbound desk' }],
          links: { contacts: 'https://crm.example/people/{id}' },
        },
      },
      auth: { linkTokens: LINK_TOKEN },
    })
    const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers, payload })
    contact = (await post('/contacts', { contacts: [{ externalId: 'L-1', email: 'link@acme.io' }] })).json().results[0].crmId
    company = (await post('/companies', { companies: [{ externalId: 'C-1', domain: 'link.io' }] })).json().results[0].crmId
  })
  afterAll(() => app.close())

  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers, payload })

  it('links contacts to companies, counts a pair once however often it is sent, and reports unknown ids', async () => {
    const first = await post('/associations', { associations: [{ contactCRMId: contact, companyCRMId: company }] })
    expect(first.json()).toEqual({ success: true, created: 1, errors: [] })
    const again = await post('/associations', {
      associations: [
        { contactCRMId: contact, companyCRMId: company },
        { contactCRMId: 'local.AAAAAAAAAAAAAAAAAAAAAA', companyCRMId: company },
        { contactCRMId: contact, companyCRMId: 'c-404' },
      ],
    })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({
      success: true,
      created: 0,
      errors: [
        { contactCRMId: 'local.AAAAAAAAAAAAAAAAAAAAAA', companyCRMId: company, error: 'contact or company not found', code: 'RECORD_NOT_FOUND' },
        { contactCRMId: contact, companyCRMId: 'c-404', error: 'company not found', code: 'RECORD_NOT_FOUND' },
      ],
    })
  })

  it('logs an activity with 201, and the same message again with 200 and the first id, logging nothing new', async () => {
    const activity = {
      type: 'EMAIL',
      direction: 'INBOUND',
      subject: '[Globex] Li Wei',
      body: '<p>Sounds good</p>',
      occurredAt: '2025-03-02T10:15:00+01:00',
      contactId: contact,
      companyId: company,
      ownerId: 'local.u-1',
      metadata: { messageId: 'm-88', sequenceIndex: 2 },
    }
    const first = await post('/activities', activity)
    expect(first.statusCode).toBe(201)
    expect(first.json()).toEqual({
      id: expect.stringMatching(/^local\./),
      type: 'EMAIL',
      direction: 'INBOUND',
      subject: '[Globex] Li Wei',
      occurredAt: '2025-03-02T09:15:00Z',
      contactId: contact,
      companyId: company,
      ownerId: 'local.u-1',
    })
    const again = await post('/activities', activity)
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(first.json().id)
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => post('/activities', { ...activity, metadata: { messageId: 'm-89' } })))
    expect(new Set(concurrent.map((res) => res.json().id)).size).toBe(1)
    expect(concurrent.filter((res) => res.statusCode === 201)).toHaveLength(1)
  })

  it('logs two activities without a message id as two, and refuses a bad one naming the field', async () => {
    const a = await post('/activities', { type: 'LINKEDIN', direction: 'OUTBOUND' })
    const b = await post('/activities', { type: 'LINKEDIN', direction: 'OUTBOUND' })
    expect(a.json().id).not.toBe(b.json().id)
    expect((await post('/activities', { subject: 'no type' })).json().message).toContain("must have required property 'type'")
    for (const occurredAt of ['yesterday', '9999-12-31T23:59:59-23:59']) {
      expect((await post('/activities', { type: 'EMAIL', occurredAt })).json()).toMatchObject({
        statusCode: 400,
        message: 'body/occurredAt must be an ISO 8601 date or date-time',
      })
    }
    expect((await post('/activities', { type: 'EMAIL', direction: 'SIDEWAYS' })).statusCode).toBe(400)
  })

  it('lists users with ids Enginy sends back as ownerId, and 404 where the connection has none', async () => {
    const users = await app.inject({ method: 'GET', url: '/users', headers })
    expect(users.json()).toEqual([
      { id: 'local.u-1', name: 'Ana Ruiz', email: 'ana@acme.io' },
      { id: 'local.u-2', name: 'Inbound desk' },
    ])
    const bare = await testApp()
    try {
      const none = await bare.inject({ method: 'GET', url: '/users', headers })
      expect(none.statusCode).toBe(404)
      expect(none.json()).toMatchObject({ code: 'USERS_NOT_SUPPORTED' })
    } finally {
      await bare.close()
    }
  })

  it('redirects a record link under the link token without the API key, and answers any other link with the same bare 404', async () => {
    const link = await app.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/contacts/${contact}` })
    expect(link.statusCode).toBe(302)
    expect(link.headers.location).toBe(`https://crm.example/people/${contact.slice('local.'.length)}`)
    expect(link.body).toBe('')
    const bodies = new Set<string>()
    for (const url of [
      `/links/${LINK_TOKEN}/companies/${company}`, // no template for companies
      `/links/${LINK_TOKEN}/contacts/local.AAAAAAAAAAAAAAAAAAAAAA`, // a well-formed id of a contact that does not exist: a redirect too
      `/links/${LINK_TOKEN}/contacts/other.AAAAAAAAAAAAAAAAAAAAAA`,
      `/links/${LINK_TOKEN}/contacts/local.not-an-id`,
      `/links/${LINK_TOKEN}/contacts/nothing`,
      `/links/contacts/${contact}`, // the keyless form of old
      `/links/${LINK_TOKEN.slice(1)}/contacts/${contact}`,
    ]) {
      const res = await app.inject({ method: 'GET', url })
      if (res.statusCode === 302) {
        expect(url).toContain('AAAAAAAAAAAAAAAAAAAAAA')
        continue
      }
      expect(res.statusCode).toBe(404)
      bodies.add(JSON.stringify({ ...res.json(), statusCode: res.statusCode }))
    }
    expect([...bodies]).toEqual([JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'no link', code: 'LINK_NOT_FOUND' })])
  })
})
