import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'
import { MIRROR_TABLES, headers, sweepMirror, testApp } from '../../src/kit/testing.ts'
import { POSTGRES_URL, pgQuery } from '../sql/testing.ts'

/**
 * A HubSpot connection with `mirror:`: its tasks kept by searches of `hs_lastmodifieddate`, and
 * polls answered from the mirror. Calls are counted at the fake, which enforces search's own
 * limit, its lag and its 10,000-result cap.
 */
const HOUR_AGO = new Date(Date.now() - 3_600_000)
const SEARCH = /\/crm\/objects\/2026-09\/tasks\/search$/
const apps: FastifyInstance[] = []
const fakes: HubSpotFake[] = []
const names: string[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})
afterAll(async () => {
  for (const table of MIRROR_TABLES) await pgQuery(`DELETE FROM ${table} WHERE connection = ANY($1)`, [names])
})

async function start(options: Parameters<typeof HubSpotFake.start>[0] = {}) {
  const fake = await HubSpotFake.start(options)
  fakes.push(fake)
  return fake
}

async function gateway(fake: HubSpotFake, mirror: Record<string, unknown> | undefined, name = 'hubspot') {
  const app = await testApp({
    connections: { [name]: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, ...(mirror && { mirror }) } },
  })
  apps.push(app)
  const sweep = () => sweepMirror(app, name)
  if (mirror) await sweep()
  const poll = async (ids: readonly string[]) => {
    const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: ids.map((id) => `${name}.${id}`) } })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { id: string; completed: boolean; contactId?: string }[]
  }
  return { app, poll, sweep }
}

describe('HubSpot tasks from the mirror', () => {
  it('answers ten polls of 1,000 tasks with no call beyond one search per kind and sweep (120 calls without the mirror)', async () => {
    const fake = await start()
    const ids = fake.seed(1000, 70_000_000_000, HOUR_AGO)
    const built = await gateway(fake, { pollMs: 3_600_000, maxStalenessMs: 7_200_000 })
    // The build: 5 searches of 200, each page's associations (2 reads).
    expect(fake.http.count('POST', SEARCH)).toBe(5)
    fake.http.reset()
    for (let poll = 0; poll < 10; poll++) {
      await built.sweep()
      const answer = await built.poll(ids)
      expect(answer).toHaveLength(1000)
      expect(answer[0]).toMatchObject({ contactId: 'hubspot.501', completed: false })
    }
    // One search per kind and sweep (tasks, contacts, companies), and nothing else.
    const sweeps = ['tasks', 'contacts', 'companies'].map((kind) => `POST /crm/objects/2026-09/${kind}/search`)
    expect(fake.http.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array.from({ length: 10 }, () => sweeps).flat())

    const plain = await gateway(fake, undefined, 'plain')
    fake.http.reset()
    for (let poll = 0; poll < 10; poll++) expect(await plain.poll(ids)).toHaveLength(1000)
    expect(fake.http.requests).toHaveLength(120)
    expect(fake.violations).toEqual([])
  })

  it('reads a task completed in HubSpot itself as completed after the next sweep, past the search lag', async () => {
    const fake = await start({ searchLagMs: 300 })
    const [id] = fake.seed(1, 70_000_000_000, HOUR_AGO)
    const { poll, sweep } = await gateway(fake, { pollMs: 3_600_000, maxStalenessMs: 7_200_000 })
    const task = fake.tasks.get(id!)!
    Object.assign(task.properties, { hs_task_status: 'COMPLETED', hs_task_completion_date: new Date().toISOString() })
    task.updatedAt = new Date().toISOString()
    await sweep()
    // Not in search yet: the mirror still says open.
    expect((await poll([id!]))[0]!.completed).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 350))
    await sweep()
    expect((await poll([id!]))[0]!.completed).toBe(true)
    // Answered from the mirror both times: no task read.
    expect(fake.http.count('GET', /\/tasks\/\d+$/) + fake.http.count('POST', /\/objects\/2026-09\/tasks\/batch\/read$/)).toBe(0)
  })

  it('builds past the cap of one search by moving its watermark', async () => {
    const fake = await start({ searchMaxResults: 400, searchPerSecond: 1000 })
    // 1,000 tasks changed at 1,000 moments: more than one search may page through.
    const ids = Array.from({ length: 1000 }, (_, i) => fake.seed(1, 71_000_000_000 + i, new Date(HOUR_AGO.getTime() + i))[0]!)
    const { poll } = await gateway(fake, { pollMs: 3_600_000, maxStalenessMs: 7_200_000 })
    fake.http.reset()
    expect(await poll(ids)).toHaveLength(1000)
    expect(fake.http.requests).toHaveLength(0)
    expect(fake.violations).toEqual([])
  })

  it('reads a task completed through one replica as completed at once on another sharing a PostgreSQL store', async () => {
    const fake = await start()
    const ids = fake.seed(20, 72_000_000_000, HOUR_AGO)
    const name = `hs-${process.pid}-${randomBytes(3).toString('hex')}`
    names.push(name)
    const settings = { pollMs: 3_600_000, maxStalenessMs: 7_200_000, store: POSTGRES_URL }
    const one = await gateway(fake, settings, name)
    const two = await gateway(fake, settings, name)
    const done = await one.app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids: [`${name}.${ids[0]}`], completed: true } })
    expect(done.json()[0]).toMatchObject({ completed: true })
    fake.http.reset()
    expect((await two.poll(ids)).filter((task) => task.completed).map((task) => task.id)).toEqual([`${name}.${ids[0]}`])
    expect(fake.http.requests).toHaveLength(0)
  })
})

describe('HubSpot contacts and companies matched in the mirror', () => {
  it('syncs without a call and exports with only its writes, reading its own creates back', async () => {
    const fake = await start()
    for (let i = 0; i < 300; i++) fake.contacts.add({ email: `Known${i}@Acme.example`, firstname: `Known ${i}` })
    for (let i = 0; i < 50; i++) fake.companies.add({ name: `Company ${i}`, domain: `company${i}.example` })
    const { app } = await gateway(fake, { pollMs: 3_600_000, maxStalenessMs: 7_200_000 })
    const post = async (url: string, payload: object) => {
      const res = await app.inject({ method: 'POST', url, headers, payload })
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as { results: { externalId: string; crmId: string; properties?: Record<string, unknown> }[]; errors: unknown[] }
    }
    const contacts = Array.from({ length: 100 }, (_, i) => ({ externalId: `L-${i}`, email: i % 2 === 0 ? ` known${i}@acme.EXAMPLE ` : `new${i}@acme.example` }))
    fake.http.reset()
    const synced = await post('/contacts/sync', { contacts })
    expect(synced.results).toHaveLength(50)
    expect(synced.results[0]).toMatchObject({ externalId: 'L-0', properties: { email: 'Known0@Acme.example', firstName: 'Known 0' } })
    expect(fake.http.requests).toHaveLength(0)

    const exported = await post('/contacts', { contacts })
    expect(exported.results).toHaveLength(100)
    expect(exported.errors).toEqual([])
    // The 50 new contacts in one batch create; nothing read, nothing searched.
    expect(fake.http.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /crm/objects/2026-09/contacts/batch/create'])
    expect(fake.contacts.objects.size).toBe(303 + 50)

    fake.http.reset()
    const again = await post('/contacts', { contacts })
    expect(again.results.map((r) => r.crmId)).toEqual(exported.results.map((r) => r.crmId))
    const companies = await post('/companies/sync', { companies: [{ externalId: 'C-1', domain: 'https://www.Company7.example/about' }, { externalId: 'C-2', domain: 'nobody.example' }] })
    expect(companies.results.map((r) => r.externalId)).toEqual(['C-1'])
    expect(fake.http.requests).toHaveLength(0)
    expect(fake.violations).toEqual([])
  })
})
