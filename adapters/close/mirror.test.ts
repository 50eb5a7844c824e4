import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CloseGateway, closeGateway } from './fake/gateway.ts'
import { CloseFake } from './fake/server.ts'

/**
 * Close's change feeds keep a mirror: leads and contacts by a search on `date_updated` sorted by
 * it (200 a page), tasks by the task list on `date_updated` (100 a page, with their completions).
 * Built, the mirror answers a sync and task reads without a call to Close, and a change made in
 * Close's UI is seen by the next sweep.
 */
const KNOWN = 300
let fake: CloseFake
let gateway: CloseGateway
let tasks: string[]

/** Until `check` holds, or 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > until) throw new Error('never happened')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

beforeAll(async () => {
  fake = await CloseFake.start()
  const leads = Array.from({ length: 50 }, (_, i) => fake.seed('lead', { name: `Company ${i}`, url: `https://company${i}.example` }).id as string)
  for (let i = 0; i < KNOWN; i++) fake.seed('contact', { lead_id: leads[i % 50], name: `Known ${i}`, emails: [{ email: `known${i}@acme.example` }] })
  tasks = Array.from({ length: 150 }, (_, i) => fake.seed('task', { lead_id: leads[i % 50], text: `Task ${i}`, date: '2026-04-01' }).id as string)
  gateway = await closeGateway(fake, { mirror: { pollMs: 300, maxStalenessMs: 60_000 } })
})
afterAll(async () => {
  await gateway?.close()
  await fake?.close()
})

const contacts = Array.from({ length: 100 }, (_, i) => ({ externalId: `S-${i}`, email: i % 2 === 0 ? `known${i}@acme.example` : `stranger${i}@acme.example` }))

describe('Close with a mirror', () => {
  it('answers a sync of 100 contacts and a batch of 150 tasks without a call once built', async () => {
    // Built: both answered in full with no request reaching Close.
    await eventually(async () => {
      const before = fake.http.requests.length
      const synced = await gateway.send('POST', '/contacts/sync', { contacts })
      const read = await gateway.send('POST', '/tasks/batch', { ids: tasks.map((id) => `close.${id}`) })
      return synced.body.results.length === 50 && read.body.length === 150 && fake.http.requests.length === before
    })
    console.info(`mirror build and sweeps: ${JSON.stringify(fake.calls())}`)
  })

  it('sees a change made in Close at the next sweep', async () => {
    const renamed = [...fake.records.contacts.values()].find((c) => c.emails[0]?.email === 'known1@acme.example')!
    fake.records.updateContact(renamed.id, { emails: [{ email: 'renamed1@acme.example' }] }, { user: fake.account.users[0]!, requestId: 'ui' })
    await eventually(async () => {
      const before = fake.http.requests.length
      const synced = await gateway.send('POST', '/contacts/sync', { contacts: [{ externalId: 'R-1', email: 'renamed1@acme.example' }] })
      return synced.body.results.length === 1 && fake.http.requests.length === before
    })
    expect(fake.violations).toEqual([])
  })
})
