import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capturedLogger, headers, testApp } from '../helpers/app.ts'
import { strictMemory } from '../helpers/strict-memory.ts'

/** Contacts as Enginy exports, syncs and updates them, on the memory adapter. */
describe('contacts', () => {
  let app: FastifyInstance
  const log = capturedLogger('info')
  beforeAll(async () => {
    app = await testApp({
      connections: { local: { adapter: 'memory', fieldMap: { contacts: { campaignSequenceStatus: 'sequence_status' } } } },
      logger: log.logger,
    })
  })
  afterAll(() => app.close())

  const call = (method: 'POST' | 'PUT', url: string, payload: unknown, gateway = app) =>
    gateway.inject({ method, url, headers, payload: payload as object })
  const exported = async (contacts: object[], gateway = app) => {
    const res = await call('POST', '/contacts', { contacts }, gateway)
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { results: { externalId: string; crmId: string }[]; errors: unknown[] }
  }

  it('answers one crmId per externalId, and the crmId names its connection', async () => {
    const { results, errors } = await exported([
      { externalId: 'L-1', email: 'one@acme.io', firstName: 'One' },
      { externalId: 'L-2', email: 'two@acme.io' },
    ])
    expect(errors).toEqual([])
    expect(results.map((r) => r.externalId)).toEqual(['L-1', 'L-2'])
    for (const { crmId } of results) expect(crmId).toMatch(/^local\.[A-Za-z0-9_-]{22}$/)
    expect(new Set(results.map((r) => r.crmId)).size).toBe(2)
  })

  it('refuses more than 100 contacts in one export with a 400 naming the limit', async () => {
    const contacts = Array.from({ length: 101 }, (_, i) => ({ externalId: `B-${i}` }))
    const res = await call('POST', '/contacts', { contacts })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toBe('body/contacts must NOT have more than 100 items')
  })

  it.each([
    ['no contacts array', {}, 'body must have required property \'contacts\''],
    ['no externalId', { contacts: [{ email: 'a@b.c' }] }, "body/contacts/0 must have required property 'externalId'"],
    ['a numeric e-mail', { contacts: [{ externalId: 'x', email: 7 }] }, 'body/contacts/0/email'],
  ])('answers 400 naming the field for %s', async (_name, payload, message) => {
    const res = await call('POST', '/contacts', payload)
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain(message)
  })

  it('never makes a second contact for an e-mail it holds, in one request or across requests', async () => {
    const first = await exported([
      { externalId: 'D-1', email: 'Dup@Acme.io' },
      { externalId: 'D-2', email: '  dup@acme.io ' },
    ])
    expect(first.results[1]!.crmId).toBe(first.results[0]!.crmId)
    const again = await exported([{ externalId: 'D-3', email: 'DUP@ACME.IO' }])
    expect(again.results[0]!.crmId).toBe(first.results[0]!.crmId)
    // The same lead exported twice (a retry): the same record, even without an e-mail.
    const lead = await exported([{ externalId: 'D-4', firstName: 'No mail' }])
    const retried = await exported([{ externalId: 'D-4', firstName: 'No mail' }])
    expect(retried.results[0]!.crmId).toBe(lead.results[0]!.crmId)
  })

  it('creates one contact from 50 concurrent exports of one e-mail', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => exported([{ externalId: `C-${i}`, email: 'race@acme.io' }])))
    const ids = new Set(answers.map((answer) => answer.results[0]!.crmId))
    expect(ids.size).toBe(1)
    const synced = (await call('POST', '/contacts/sync', { contacts: [{ externalId: 'q', email: 'race@acme.io' }] })).json()
    expect(synced.results.map((r: { crmId: string }) => r.crmId)).toEqual([...ids])
  })

  it('syncs by e-mail, then LinkedIn URL, answering only the contacts that exist', async () => {
    const { results } = await exported([
      { externalId: 'S-1', email: 'sync@acme.io' },
      { externalId: 'S-2', linkedinUrl: 'https://www.linkedin.com/in/sync-two/' },
    ])
    const res = await call('POST', '/contacts/sync', {
      contacts: [
        { externalId: 'E-1', email: ' SYNC@acme.io' },
        { externalId: 'E-2', linkedinUrl: 'linkedin.com/in/Sync-Two?trk=x' },
        { externalId: 'E-3', email: 'nobody@acme.io', linkedinUrl: 'https://linkedin.com/in/nobody' },
        { externalId: 'E-4' },
      ],
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().results.map((r: { externalId: string; crmId: string }) => [r.externalId, r.crmId])).toEqual([
      ['E-1', results[0]!.crmId],
      ['E-2', results[1]!.crmId],
    ])
    expect(res.json().errors).toEqual([])
  })

  it('answers the CRM values in sync properties, extra fields under Enginy names through fieldMap', async () => {
    await exported([{ externalId: 'P-1', email: 'props@acme.io', phone: '+1 555', campaignSequenceStatus: 'Ongoing', leadScore: 40 }])
    const [found] = (await call('POST', '/contacts/sync', { contacts: [{ externalId: 'P-1', email: 'props@acme.io' }] })).json().results
    expect(found.properties).toEqual({ email: 'props@acme.io', phone: '+1 555', campaignSequenceStatus: 'Ongoing', leadScore: 40 })
  })

  it('keeps an e-mail address trimmed, as HubSpot does, on export and on update, with its case', async () => {
    const [contact] = (await exported([{ externalId: 'TRIM-1', email: '  Person.12@Example.COM ' }])).results
    const synced = async (email: string) =>
      (await call('POST', '/contacts/sync', { contacts: [{ externalId: 'TRIM-1', email }] })).json().results[0].properties.email
    expect(await synced('person.12@example.com')).toBe('Person.12@Example.COM')
    expect((await call('PUT', '/contacts', { contacts: [{ crmId: contact!.crmId, email: '\tPerson.13@Example.COM  ' }] })).statusCode).toBe(200)
    expect(await synced('person.13@example.com')).toBe('Person.13@Example.COM')
  })

  it('updates each contact by crmId, merging fields, and answers success: false for an unknown one', async () => {
    const [contact] = (await exported([{ externalId: 'U-1', email: 'upd@acme.io', firstName: 'Ana', campaignOpens: 1 }])).results
    const res = await call('PUT', '/contacts', {
      contacts: [
        { crmId: contact!.crmId, lastName: 'Ruiz', campaignOpens: 5, campaignSequenceStatus: 'Replied', firstName: null },
        { crmId: 'local.AAAAAAAAAAAAAAAAAAAAAA', lastName: 'Nobody' },
        { crmId: 'not an id', lastName: 'Nobody' },
      ],
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().results).toEqual([
      { crmId: contact!.crmId, success: true },
      { crmId: 'local.AAAAAAAAAAAAAAAAAAAAAA', success: false },
      { crmId: 'not an id', success: false },
    ])
    expect(res.json().errors).toEqual([
      { crmId: 'local.AAAAAAAAAAAAAAAAAAAAAA', error: 'contact not found', code: 'RECORD_NOT_FOUND' },
      { crmId: 'not an id', error: 'contact not found', code: 'RECORD_NOT_FOUND' },
    ])
    const [synced] = (await call('POST', '/contacts/sync', { contacts: [{ externalId: 'U-1', email: 'upd@acme.io' }] })).json().results
    // A field left out, or null, stays as it was.
    expect(synced.properties).toEqual({ email: 'upd@acme.io', firstName: 'Ana', lastName: 'Ruiz', campaignOpens: 5, campaignSequenceStatus: 'Replied' })
  })

  it('makes every crmId work as a task contactId, and gives it back on the task', async () => {
    const [contact] = (await exported([{ externalId: 'T-1', email: 'task@acme.io' }])).results
    const task = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'call', contactId: contact!.crmId } })
    expect(task.json().contactId).toBe(contact!.crmId)
  })

  describe('on a CRM that cannot keep fields it has no place for', () => {
    let strict: FastifyInstance
    const strictLog = capturedLogger('info')
    beforeAll(async () => {
      strict = await testApp({
        connections: { local: { adapter: 'memory', fieldMap: { contacts: { campaignOpens: 'opens' } } } },
        registry: strictMemory,
        logger: strictLog.logger,
      })
    })
    afterAll(() => strict.close())

    it('drops a field without a fieldMap entry with a warning naming it, never an error, and keeps mapped ones', async () => {
      const res = await call('POST', '/contacts', { contacts: [{ externalId: 'X-1', email: 'x@acme.io', campaignOpens: 3, favouriteColour: 'red' }] }, strict)
      expect(res.statusCode).toBe(200)
      expect(res.json().errors).toEqual([])
      const [found] = (await call('POST', '/contacts/sync', { contacts: [{ externalId: 'X-1', email: 'x@acme.io' }] }, strict)).json().results
      expect(found.properties).toEqual({ email: 'x@acme.io', campaignOpens: 3 })
      const warning = strictLog.lines.find((line) => line.includes('adapter warning') && line.includes('favouriteColour'))
      expect(warning).toContain('add it to fieldMap.contacts')
    })
  })
})
