import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Handler, capturedLogger, describeAdapterConformance, headers, testApp } from '../../src/kit/testing.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'

/** Campaign messages as HubSpot engagements, and a message logged twice found again. */
describe('hubspot activities', () => {
  let fake: HubSpotFake
  let withProperty: FastifyInstance
  let without: FastifyInstance
  let healthy: Handler
  const log = capturedLogger('info')

  beforeAll(async () => {
    fake = await HubSpotFake.start()
    healthy = fake.http.handler
    const connection = (extra: Record<string, unknown>) => ({ hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, ...extra } })
    withProperty = await testApp({ connections: connection({ messageIdProperty: 'enginy_message_id' }), logger: log.logger })
    without = await testApp({ connections: connection({}) })
  })
  afterEach(() => {
    fake.http.handler = healthy
    expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
  })
  afterAll(async () => {
    await withProperty.close()
    await without.close()
    await fake.close()
  })

  const log_ = (app: FastifyInstance, body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/activities', headers, payload: body })
  const native = (id: string) => id.slice('hubspot.'.length)

  it('logs an EMAIL as an email engagement: direction, subject, text and HTML, hs_timestamp, associations 198 and 186', async () => {
    const res = await log_(without, {
      type: 'EMAIL',
      direction: 'OUTBOUND',
      subject: '[1/3] Hello Ana',
      body: '<p>Hi Ana, &amp; welcome</p>',
      occurredAt: '2025-03-02T10:15:00+01:00',
      ownerId: 'bob@example.com',
      contactId: 'hubspot.501',
      companyId: 'hubspot.701',
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ type: 'EMAIL', direction: 'OUTBOUND', occurredAt: '2025-03-02T09:15:00Z', contactId: 'hubspot.501', companyId: 'hubspot.701' })
    const stored = fake.emails.store.objects.get(native(res.json().id))!
    expect(stored.properties).toEqual({
      hs_timestamp: '2025-03-02T09:15:00.000Z',
      hs_email_direction: 'EMAIL',
      hs_email_status: 'SENT',
      hs_email_subject: '[1/3] Hello Ana',
      hs_email_text: 'Hi Ana, & welcome',
      hs_email_html: '<p>Hi Ana, &amp; welcome</p>',
      hubspot_owner_id: '222',
    })
    expect(fake.emails.associations.get(stored.id)).toEqual({ contacts: new Set(['501']), companies: new Set(['701']) })
  })

  it('logs an INBOUND e-mail as INCOMING_EMAIL, without a status', async () => {
    const res = await log_(without, { type: 'EMAIL', direction: 'INBOUND', subject: 'Re: hello', body: 'Thanks!', occurredAt: '2025-03-02T11:00:00Z' })
    expect(res.statusCode, res.body).toBe(201)
    expect(fake.emails.store.objects.get(native(res.json().id))!.properties).toEqual({
      hs_timestamp: '2025-03-02T11:00:00.000Z',
      hs_email_direction: 'INCOMING_EMAIL',
      hs_email_subject: 'Re: hello',
      hs_email_text: 'Thanks!',
    })
  })

  it.each([
    ['LINKEDIN', 'Hi Ana'],
    ['LINKEDIN_CONNECTION', 'LinkedIn connection request: Let us connect<br><br>Hi Ana'],
    ['LINKEDIN_INMAIL', 'LinkedIn InMail: Let us connect<br><br>Hi Ana'],
  ])('logs %s as a LINKEDIN_MESSAGE communication, associations 81 and 87', async (type, body) => {
    const res = await log_(without, {
      type,
      ...(type !== 'LINKEDIN' && { subject: 'Let us connect' }),
      body: 'Hi Ana',
      occurredAt: '2025-03-03T08:00:00Z',
      contactId: 'hubspot.502',
      companyId: 'hubspot.702',
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().type).toBe(type)
    const id = native(res.json().id)
    expect(fake.communications.store.objects.get(id)!.properties).toEqual({
      hs_timestamp: '2025-03-03T08:00:00.000Z',
      hs_communication_channel_type: 'LINKEDIN_MESSAGE',
      hs_communication_logged_from: 'CRM',
      hs_communication_body: body,
    })
    expect(fake.communications.associations.get(id)).toEqual({ contacts: new Set(['502']), companies: new Set(['702']) })
  })

  it('answers 422 naming the field for a contact HubSpot does not hold, and logs nothing', async () => {
    const before = fake.emails.store.objects.size
    const res = await log_(without, { type: 'EMAIL', subject: 's', contactId: 'hubspot.799' })
    expect(res.statusCode).toBe(422)
    expect(res.json().message).toContain('contacts 799 does not exist')
    expect(fake.emails.store.objects.size).toBe(before)
  })

  it('logs the same messageId twice as one engagement, found again by the unique property with a batch read of each kind', async () => {
    const message = { type: 'EMAIL', subject: 'Once', body: 'only once', metadata: { messageId: 'msg-once-1' } }
    fake.http.reset()
    const first = await log_(withProperty, message)
    expect(first.statusCode, first.body).toBe(201)
    const second = await log_(withProperty, message)
    expect(second.statusCode, second.body).toBe(200)
    expect(second.json().id).toBe(first.json().id)
    const logged = [...fake.emails.store.objects.values()].filter((email) => email.properties.enginy_message_id === 'msg-once-1')
    expect(logged).toHaveLength(1)
    // Each log asks both kinds by message id; only the first creates.
    expect(fake.http.count('POST', '/crm/objects/2026-09/emails/batch/read')).toBe(2)
    expect(fake.http.count('POST', '/crm/objects/2026-09/communications/batch/read')).toBe(2)
    expect(fake.http.count('POST', '/crm/objects/2026-09/emails')).toBe(1)
    const read = fake.http.requests.find((r) => r.path.endsWith('/emails/batch/read'))!
    expect(read.body).toEqual({
      idProperty: 'enginy_message_id',
      properties: ['enginy_message_id', 'hs_timestamp', 'hs_email_direction', 'hs_email_subject', 'hubspot_owner_id'],
      propertiesWithHistory: [],
      inputs: [{ id: 'msg-once-1' }],
    })
  })

  it('answers a message sent again with the contact and company its engagement is associated with, read from HubSpot', async () => {
    const message = { type: 'EMAIL', subject: 'Linked once', contactId: 'hubspot.502', companyId: 'hubspot.702', metadata: { messageId: 'msg-linked-1' } }
    const first = await log_(withProperty, message)
    expect(first.statusCode, first.body).toBe(201)
    fake.http.reset()
    const again = await log_(withProperty, { ...message, contactId: undefined, companyId: undefined })
    expect(again.statusCode, again.body).toBe(200)
    expect(again.json()).toMatchObject({ id: first.json().id, contactId: 'hubspot.502', companyId: 'hubspot.702' })
    expect(fake.http.count('POST', '/crm/associations/2026-09/emails/contacts/batch/read')).toBe(1)
    expect(fake.http.count('POST', '/crm/associations/2026-09/emails/companies/batch/read')).toBe(1)
  })

  it('finds a LinkedIn message again among communications, and a numeric messageId too', async () => {
    const first = await log_(withProperty, { type: 'LINKEDIN_INMAIL', body: 'hi', metadata: { messageId: 74_001 } })
    const again = await log_(withProperty, { type: 'LINKEDIN_INMAIL', body: 'hi', metadata: { messageId: 74_001 } })
    expect([first.statusCode, again.statusCode]).toEqual([201, 200])
    expect(again.json().id).toBe(first.json().id)
    expect([...fake.communications.store.objects.values()].filter((c) => c.properties.enginy_message_id === '74001')).toHaveLength(1)
  })

  it('answers the engagement HubSpot already holds when its unique message id makes the create a 409', async () => {
    // Another replica logged it between the look-up and the create: the look-up misses it.
    const existing = await log_(withProperty, { type: 'EMAIL', subject: 'raced', metadata: { messageId: 'msg-raced' } })
    let reads = 0
    fake.http.handler = async (request) =>
      request.path.endsWith('/batch/read') && reads++ < 2 ? { status: 207, body: { status: 'COMPLETE', results: [], errors: [] } } : healthy(request)
    const res = await log_(withProperty, { type: 'EMAIL', subject: 'raced', metadata: { messageId: 'msg-raced' } })
    expect(res.json().id).toBe(existing.json().id)
    expect([...fake.emails.store.objects.values()].filter((e) => e.properties.enginy_message_id === 'msg-raced')).toHaveLength(1)
  })

  it('without messageIdProperty, the gateway remembers the id: the same message twice is one engagement, and HubSpot is asked nothing', async () => {
    fake.http.reset()
    const message = { type: 'EMAIL', subject: 'Remembered', metadata: { messageId: 'msg-remembered' } }
    const [first, second] = [await log_(without, message), await log_(without, message)]
    expect([first.statusCode, second.statusCode]).toEqual([201, 200])
    expect(second.json().id).toBe(first.json().id)
    expect(fake.http.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /crm/objects/2026-09/emails'])
  })

  it('logs another kind as an email, with a warning naming the type', async () => {
    log.lines.length = 0
    const res = await log_(withProperty, { type: 'WHATSAPP', body: 'hola' })
    expect(res.statusCode, res.body).toBe(201)
    expect(fake.emails.store.objects.has(native(res.json().id))).toBe(true)
    expect(log.lines.join('\n')).toContain('HubSpot has no activity of type \\"WHATSAPP\\"; logged as an email')
  })
})

// Without `messageIdProperty`, as a portal is until the customer creates it: the conformance
// suite's activity checks, the lookup of a lost create's engagement by search among them.
describeAdapterConformance(
  'hubspot without messageIdProperty',
  async () => {
    const fake = await HubSpotFake.start()
    return {
      connection: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url },
      missingNativeId: '12345678901',
      missingContactId: '12345678902',
      missingCompanyId: '12345678903',
      close: async () => {
        expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
        await fake.close()
      },
    }
  },
  ['activities'],
)
