import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CloseGateway, closeGateway } from './fake/gateway.ts'
import { CloseFake } from './fake/server.ts'

/**
 * A task or an activity naming only a contact goes on the contact's lead. Where an answer of the
 * last minutes showed that lead (the contact's export, its association), it is written there with
 * no read; where the contact has moved since, Close refuses the write, and it is written once more
 * on the lead read now. Never twice, never on the wrong lead.
 */
describe("close: a contact's lead, remembered", () => {
  let fake: CloseFake
  let gateway: CloseGateway
  const crm = new Map<string, string>()
  const native = (crmId: string) => crmId.split('.')[1]!
  let seen = 0
  const since = () => {
    const calls = fake.http.requests.slice(seen).map((r) => `${r.method} ${r.path.replace(/\/[a-z]+_[A-Za-z0-9]{43}(?=\/)/g, '/{id}')}`)
    seen = fake.http.requests.length
    return calls
  }

  beforeAll(async () => {
    fake = await CloseFake.start()
    gateway = await closeGateway(fake)
    const contacts = Array.from({ length: 20 }, (_, i) => ({ externalId: `M-${i}`, email: `moved${i}@acme.example`, firstName: 'Mo' }))
    const companies = [{ externalId: 'K-1', name: 'Keep Co', domain: 'keep.example' }]
    for (const r of (await gateway.send('POST', '/contacts', { contacts })).body.results) crm.set(r.externalId, r.crmId)
    for (const r of (await gateway.send('POST', '/companies', { companies })).body.results) crm.set(r.externalId, r.crmId)
    const pairs = contacts.map((c) => ({ contactCRMId: crm.get(c.externalId)!, companyCRMId: crm.get('K-1')! }))
    expect((await gateway.send('POST', '/associations', { associations: pairs })).body.created).toBe(20)
    seen = fake.http.requests.length
  })
  afterAll(async () => {
    await gateway.close()
    await fake.close()
  })

  it('writes tasks and notes naming a contact just associated with one call each', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await gateway.send('POST', '/tasks', { subject: `Follow up ${i}`, contactId: crm.get(`M-${i}`) })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      expect(res.body.companyId).toBe(crm.get('K-1'))
    }
    const note = await gateway.send('POST', '/activities', { type: 'LINKEDIN', direction: 'OUTBOUND', body: 'Hi Mo', occurredAt: '2026-01-02T10:00:00Z', contactId: crm.get('M-0') })
    expect(note.status, JSON.stringify(note.body)).toBe(201)
    expect(since()).toEqual([...Array(20).fill('POST /api/v1/task/'), 'POST /api/v1/activity/note/'])
  })

  it('writes on the lead the contact is on now when it moved in Close meanwhile', async () => {
    const elsewhere = fake.seed('lead', { name: 'Moved To Inc' }).id as string
    fake.records.updateContact(native(crm.get('M-1')!), { lead_id: elsewhere }, { user: fake.account.users[0]!, requestId: 'ui' })
    const task = await gateway.send('POST', '/tasks', { subject: 'After the move', contactId: crm.get('M-1') })
    expect(task.status, JSON.stringify(task.body)).toBe(201)
    expect(task.body.companyId).toBe(`close.${elsewhere}`)
    const note = await gateway.send('POST', '/activities', { type: 'LINKEDIN', body: 'Still there?', occurredAt: '2026-01-02T11:00:00Z', contactId: crm.get('M-1') })
    expect(note.status).toBe(201)
    expect(note.body.companyId).toBe(`close.${elsewhere}`)
    expect(since(), 'refused, read, written; then the lead the read showed').toEqual([
      'POST /api/v1/task/',
      'GET /api/v1/contact/{id}/',
      'POST /api/v1/task/',
      'POST /api/v1/activity/note/',
    ])
    expect([...fake.tasks.tasks.values()].filter((t) => t.text === 'After the move').map((t) => t.lead_id)).toEqual([elsewhere])
    expect(fake.violations).toEqual([])
  })
})
