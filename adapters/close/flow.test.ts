import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CloseGateway, LINK_TOKEN, closeGateway } from './fake/gateway.ts'
import { OBSERVED_LIMITS } from './fake/limits.ts'
import { CloseFake } from './fake/server.ts'

/**
 * Enginy's whole custom-CRM flow against a fake Close organization over real sockets (the gateway
 * listening on 127.0.0.1, Enginy's requests sent with fetch), under the limits seen on live
 * accounts (search: 16 a second): a sync, an export of 100 contacts (10 of which Close holds
 * already, made in its UI) and 20 companies, their associations, an activity, 1,000 tasks made,
 * completed and read back in one batch each, users and links. Calls are counted at the fake, per
 * route, and printed; there is no duplicate, no 429 and no request Close would refuse.
 */
const KNOWN = 10
const contacts = Array.from({ length: 100 }, (_, i) => ({
  externalId: `L-${i}`,
  email: `lead${i}@company${i % 20}.example`,
  firstName: `Lead${i}`,
  lastName: 'Tester',
  title: 'Head of Sales',
  phone: `+3460000${String(i).padStart(4, '0')}`,
}))
const companies = Array.from({ length: 20 }, (_, i) => ({ externalId: `C-${i}`, name: `Company ${i}`, domain: `company${i}.example`, industry: 'Software' }))

describe('close: the custom-CRM flow over a real socket', () => {
  let fake: CloseFake
  let gateway: CloseGateway
  const spent: Record<string, Record<string, number>> = {}
  let seen = 0
  /** The calls since the last phase, per route, kept under `phase`. */
  const phase = (name: string) => {
    const calls: Record<string, number> = {}
    for (const { method, path } of fake.http.requests.slice(seen)) {
      const route = `${method} ${path.replace(/\/[a-z]+_[A-Za-z0-9]{43}(?=\/)/g, '/{id}')}`
      calls[route] = (calls[route] ?? 0) + 1
    }
    seen = fake.http.requests.length
    spent[name] = calls
    return calls
  }

  beforeAll(async () => {
    fake = await CloseFake.start({ limits: OBSERVED_LIMITS })
    gateway = await closeGateway(fake, { concurrency: 8 }, { requestTimeoutMs: 60_000 })
    // Made in Close's UI before Enginy came: the e-mail as typed there.
    for (let i = 0; i < KNOWN; i++) {
      const lead = fake.seed('lead', { name: `Known ${i}` })
      fake.seed('contact', { lead_id: lead.id, name: `Known ${i}`, emails: [{ email: contacts[i]!.email.toUpperCase() }] })
    }
    seen = fake.http.requests.length
  })
  afterAll(async () => {
    console.log(`Close calls per phase:\n${JSON.stringify(spent, null, 1)}`)
    await gateway.close()
    await fake.close()
  })

  it('runs the whole flow with the calls counted, no duplicate, no 429', async () => {
    const sync = await gateway.send('POST', '/contacts/sync', { contacts })
    expect(sync.status, JSON.stringify(sync.body)).toBe(200)
    expect(sync.body.results.map((r: { externalId: string }) => r.externalId).sort()).toEqual(contacts.slice(0, KNOWN).map((c) => c.externalId).sort())
    expect(phase('sync of 100 contacts'), 'one search for the 100 e-mails (the externalIds first: one more)').toEqual({ 'POST /api/v1/data/search/': 2 })

    const leads = await gateway.send('POST', '/companies', { companies })
    expect(leads.status).toBe(200)
    expect(leads.body.errors).toEqual([])
    const companyIds = new Map<string, string>(leads.body.results.map((r: { externalId: string; crmId: string }) => [r.externalId, r.crmId]))
    expect(new Set(companyIds.values()).size).toBe(20)
    const companyCalls = phase('export of 20 companies')
    expect(companyCalls['POST /api/v1/lead/'], 'one create per company').toBe(20)

    const exported = await gateway.send('POST', '/contacts', { contacts })
    expect(exported.status).toBe(200)
    expect(exported.body.errors).toEqual([])
    const contactIds = new Map<string, string>(exported.body.results.map((r: { externalId: string; crmId: string }) => [r.externalId, r.crmId]))
    expect(new Set(contactIds.values()).size, 'one contact per e-mail').toBe(100)
    for (const found of sync.body.results) expect(contactIds.get(found.externalId), 'the export answers the contact sync found').toBe(found.crmId)
    const contactCalls = phase('export of 100 contacts')
    expect(contactCalls['POST /api/v1/contact/'], 'one create per contact Close did not hold').toBe(100 - KNOWN)

    const again = await gateway.send('POST', '/contacts', { contacts })
    expect(new Set(again.body.results.map((r: { crmId: string }) => r.crmId))).toEqual(new Set(contactIds.values()))
    expect(phase('the same export again')['POST /api/v1/contact/'], 'an export sent again makes nothing').toBeUndefined()

    const pairs = contacts.map((c, i) => ({ contactCRMId: contactIds.get(c.externalId)!, companyCRMId: companyIds.get(`C-${i % 20}`)! }))
    const linked = await gateway.send('POST', '/associations', { associations: pairs })
    expect(linked.status).toBe(200)
    expect(linked.body).toMatchObject({ success: true, created: 100, errors: [] })
    expect([...fake.records.contacts.values()].filter((c) => c.lead_id === companyIds.get('C-0')!.split('.')[1]).length, 'each on its company').toBe(5)
    expect(phase('associations of 100 contacts'), 'a move per contact: the export showed each on another lead').toEqual({ 'PUT /api/v1/contact/{id}/': 100 })

    const contactId = contactIds.get('L-3')!
    const companyId = companyIds.get('C-3')!
    const activity = await gateway.send('POST', '/activities', {
      type: 'EMAIL',
      direction: 'OUTBOUND',
      subject: 'Hello',
      body: '<p>Hi Lead3</p>',
      occurredAt: '2026-01-05T10:00:00Z',
      contactId,
      companyId,
      metadata: { messageId: 'flow-message-1' },
    })
    expect(activity.status, JSON.stringify(activity.body)).toBe(201)
    expect(activity.body).toMatchObject({ contactId, companyId })
    expect(phase('an activity'), 'one logged e-mail').toEqual({ 'POST /api/v1/activity/email/': 1 })

    const made: string[] = []
    for (let i = 0; i < 1000; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, (_, j) => gateway.send('POST', '/tasks', { subject: `Call ${i + j}`, dueDate: '2026-02-01T09:00:00Z', contactId: contactIds.get(`L-${(i + j) % 100}`), companyId: companyIds.get(`C-${(i + j) % 20}`) })),
      )
      for (const res of batch) {
        expect(res.status, JSON.stringify(res.body)).toBe(201)
        made.push(res.body.id)
      }
    }
    expect(phase('1,000 tasks made'), 'one create per task').toEqual({ 'POST /api/v1/task/': 1000 })

    const completed = await gateway.send('PATCH', '/tasks/batch', { ids: made, completed: true })
    expect(completed.status, JSON.stringify(completed.body).slice(0, 500)).toBe(200)
    expect(completed.body.length).toBe(1000)
    expect(completed.body.every((task: { completed: boolean; completedAt: string | null }) => task.completed && task.completedAt !== null)).toBe(true)
    expect(phase('1,000 tasks completed'), 'per 100 tasks: a bulk update, a read back, a read of their completions').toEqual({
      'PUT /api/v1/task/': 10,
      'GET /api/v1/task/': 10,
      'GET /api/v1/activity/task_completed/': 10,
    })

    const read = await gateway.send('POST', '/tasks/batch', { ids: made })
    expect(read.status).toBe(200)
    expect(read.body.map((task: { id: string }) => task.id).sort()).toEqual([...made].sort())
    expect(new Map(read.body.map((t: { id: string; completedAt: string }) => [t.id, t.completedAt]))).toEqual(
      new Map(completed.body.map((t: { id: string; completedAt: string }) => [t.id, t.completedAt])),
    )
    expect(phase('1,000 tasks read'), 'per 100 tasks: a read, a read of their completions').toEqual({ 'GET /api/v1/task/': 10, 'GET /api/v1/activity/task_completed/': 10 })

    const users = await gateway.send('GET', '/users')
    expect(users.status).toBe(200)
    expect(users.body.map((u: { name: string }) => u.name)).toEqual(['Ana Ruiz', 'Bo Chen', 'Cy Park'])
    expect(phase('users')).toEqual({ 'GET /api/v1/user/': 1 })

    const link = await fetch(`${gateway.url}/links/${LINK_TOKEN}/companies/${companyId}`, { redirect: 'manual' })
    expect(link.status).toBe(302)
    expect(link.headers.get('location')).toBe(`https://app.close.com/lead/${companyId.split('.')[1]}/`)
    expect(phase('a link'), 'a link calls nothing').toEqual({})

    // What Close holds: no duplicate, every contact on its company, nothing sent, nothing refused.
    const emails = [...fake.records.contacts.values()].flatMap((c) => c.emails.map((e) => e.email.toLowerCase()))
    expect(emails.length, 'one contact per e-mail, plus the reference contact').toBe(new Set(emails).size)
    expect(fake.records.contacts.size).toBe(100 + 1)
    expect(fake.tasks.tasks.size).toBe(1000)
    expect(fake.activities.sending).toEqual([])
    expect(fake.limits.limited, 'no 429').toEqual({ key: 0, org: 0, forced: 0 })
    expect(fake.redirects).toBe(0)
    expect(fake.violations).toEqual([])
  }, 120_000)
})
