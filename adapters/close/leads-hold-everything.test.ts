import { afterEach, describe, expect, it } from 'vitest'
import { type CloseGateway, closeGateway } from './fake/gateway.ts'
import { CloseFake } from './fake/server.ts'

/**
 * Close keeps everything on a lead: what a user sees of it. A contact exported without a company
 * becomes a lead of its own, named after it; associated later, it moves, and that lead stays
 * behind, empty. A task naming no record goes to the connection's holding lead (`taskLeadId`),
 * and reads back without a company; without one it is refused naming `contactId`, as is an
 * activity naming no record.
 */
describe('close: everything lives on a lead', () => {
  let fake: CloseFake
  let gateway: CloseGateway
  afterEach(async () => {
    await gateway.close()
    await fake.close()
    expect(fake.violations).toEqual([])
  })

  it('a contact exported without a company gets a lead named after it, left behind empty when the contact is associated', async () => {
    fake = await CloseFake.start()
    gateway = await closeGateway(fake)
    const exported = await gateway.send('POST', '/contacts', { contacts: [{ externalId: 'A-1', email: 'ana@solo.example', firstName: 'Ana', lastName: 'Solo' }] })
    const contactId = exported.body.results[0].crmId as string
    const contact = fake.records.contacts.get(contactId.split('.')[1]!)!
    const own = fake.records.leads.get(contact.lead_id)!
    expect(own.name, 'Close names the lead after the contact').toBe('Ana Solo')
    const company = await gateway.send('POST', '/companies', { companies: [{ externalId: 'K-1', name: 'Solo Inc', domain: 'solo.example' }] })
    const linked = await gateway.send('POST', '/associations', { associations: [{ contactCRMId: contactId, companyCRMId: company.body.results[0].crmId }] })
    expect(linked.body).toMatchObject({ created: 1, errors: [] })
    expect(fake.records.leads.has(own.id), 'the lead Close made stays').toBe(true)
    expect([...fake.records.contacts.values()].filter((c) => c.lead_id === own.id), 'empty').toEqual([])
  })

  it('a task naming no record goes to the holding lead and reads back without a company; without one it is a 422 naming contactId', async () => {
    fake = await CloseFake.start()
    gateway = await closeGateway(fake)
    const held = await gateway.send('POST', '/tasks', { subject: 'Prepare the campaign' })
    expect(held.status).toBe(201)
    expect(held.body).not.toHaveProperty('companyId')
    await gateway.close()
    gateway = await closeGateway(fake, { taskLeadId: undefined })
    const refused = await gateway.send('POST', '/tasks', { subject: 'Prepare the campaign' })
    expect(refused.status).toBe(422)
    expect(refused.body.message).toMatch(/^body\/contactId: /)
    const activity = await gateway.send('POST', '/activities', { type: 'LINKEDIN', subject: 'Hi', occurredAt: '2026-01-01T00:00:00Z' })
    expect(activity.status).toBe(422)
    expect(activity.body.message).toMatch(/^body\/contactId: /)
    expect(fake.tasks.tasks.size, 'only the held task').toBe(1)
  })
})
