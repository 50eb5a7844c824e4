import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CloseGateway, closeGateway } from './fake/gateway.ts'
import { CloseFake } from './fake/server.ts'

/**
 * Records made in Close's UI, found by Enginy's keys as Close holds them: a contact by any of its
 * addresses, in any case; a lead by its domain inside the URL typed there, or by its name.
 */
describe('close: lookups of what Close holds', () => {
  let fake: CloseFake
  let gateway: CloseGateway
  let contact: string
  let lead: string
  beforeAll(async () => {
    fake = await CloseFake.start()
    gateway = await closeGateway(fake)
    lead = fake.seed('lead', { name: 'Globex Corporation', url: 'https://www.globex.example/about' }).id as string
    contact = fake.seed('contact', { lead_id: lead, name: 'Hank Scorpio', emails: [{ email: 'hank@globex.example' }, { email: 'H.Scorpio@Home.example', type: 'home' }] }).id as string
  })
  afterAll(async () => {
    await gateway.close()
    await fake.close()
  })

  it("finds a contact by its second address, and answers with that address", async () => {
    const res = await gateway.send('POST', '/contacts/sync', { contacts: [{ externalId: 'H-1', email: 'h.scorpio@home.example' }] })
    expect(res.body.results).toEqual([{ externalId: 'H-1', crmId: `close.${contact}`, properties: expect.objectContaining({ email: 'H.Scorpio@Home.example', firstName: 'Hank', lastName: 'Scorpio' }) }])
    const exported = await gateway.send('POST', '/contacts', { contacts: [{ externalId: 'H-1', email: 'H.SCORPIO@home.example' }] })
    expect(exported.body.results, 'an export finds it too, and makes none').toEqual([{ externalId: 'H-1', crmId: `close.${contact}` }])
    expect(fake.records.contacts.size, 'the reference contact and Hank').toBe(2)
  })

  it('finds a lead by the domain inside its URL, and by its name', async () => {
    const byDomain = await gateway.send('POST', '/companies/sync', { companies: [{ externalId: 'G-1', domain: 'globex.example' }] })
    expect(byDomain.body.results.map((r: { crmId: string }) => r.crmId)).toEqual([`close.${lead}`])
    const byName = await gateway.send('POST', '/companies/sync', { companies: [{ externalId: 'G-2', name: '  globex   CORPORATION ' }] })
    expect(byName.body.results.map((r: { crmId: string }) => r.crmId)).toEqual([`close.${lead}`])
    expect(fake.violations).toEqual([])
  })
})
