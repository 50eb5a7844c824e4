import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CloseGateway, closeGateway } from './fake/gateway.ts'
import { CloseFake } from './fake/server.ts'

/**
 * One record Close refuses among 100: its engagement field, a text custom field, is sent a number,
 * which Close answers 400 naming the field. Close writes one record a call, so the refusal is that
 * record's alone: it comes back in `errors` with Close's reason, and the other 99 are written.
 */
describe('close: a refused record among 100', () => {
  let fake: CloseFake
  let gateway: CloseGateway
  beforeAll(async () => {
    fake = await CloseFake.start()
    gateway = await closeGateway(fake)
  })
  afterAll(async () => {
    await gateway.close()
    await fake.close()
  })

  it('fails alone, with the field Close named, while the other 99 are written', async () => {
    const contacts = Array.from({ length: 100 }, (_, i) => ({
      externalId: `F-${i}`,
      email: `refused${i}@acme.example`,
      firstName: 'Ana',
      campaignSequenceStatus: i === 57 ? 42 : 'step 1',
    }))
    const res = await gateway.send('POST', '/contacts', { contacts })
    expect(res.status).toBe(200)
    expect(res.body.results.length).toBe(99)
    expect(res.body.results.map((r: { externalId: string }) => r.externalId)).not.toContain('F-57')
    expect(res.body.errors).toEqual([{ externalId: 'F-57', code: 'UPSTREAM_REJECTED', error: expect.stringMatching(/custom\.cf_[A-Za-z0-9]{43}: takes a text value/) }])
    expect(fake.records.contacts.size, 'the 99, and the reference contact').toBe(100)
    expect(fake.violations, 'the value was the caller’s to get wrong: no request the gateway must never make').toEqual([])
  })
})
