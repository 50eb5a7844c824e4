import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { headers, testApp } from '../helpers/app.ts'

const hubspot = (fake: HubSpotFake, extra: Record<string, unknown> = {}) => ({
  adapter: 'hubspot',
  accessToken: HUBSPOT_TOKEN,
  baseUrl: fake.url,
  concurrency: 4,
  ...extra,
})

describe('coalescing and the read cache, on HubSpot', () => {
  let fake: HubSpotFake
  const apps: FastifyInstance[] = []
  beforeAll(async () => {
    fake = await HubSpotFake.start()
  })
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
  })
  afterAll(() => fake.close())

  const gateway = async (extra: Record<string, unknown> = {}) => {
    const app = await testApp({ connections: { hubspot: hubspot(fake, extra) } })
    apps.push(app)
    return app
  }
  const seed = async (app: FastifyInstance, count: number) => {
    const ids: string[] = []
    for (let i = 0; i < count; i++) ids.push((await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: `t${i}` } })).json().id)
    return ids
  }
  const taskReads = () =>
    fake.http.count('POST', '/crm/objects/2026-09/tasks/batch/read') + fake.http.count('GET', /^\/crm\/objects\/2026-09\/tasks\/\d+$/)

  it('answers 200 concurrent single gets with at most 3 task reads, each caller its own task or 404', async () => {
    const app = await gateway()
    const ids = await seed(app, 199)
    fake.http.reset()
    const asked = [...ids, 'hubspot.77777777777']
    const answers = await Promise.all(asked.map((id) => app.inject({ method: 'GET', url: `/tasks/${id}`, headers })))
    expect(answers.slice(0, 199).map((res) => res.json().id)).toEqual(ids)
    expect(answers[199]!.statusCode).toBe(404)
    expect(taskReads()).toBeLessThanOrEqual(3)
    expect(fake.violations).toEqual([])
  })

  it('sends each of 200 gets on its own with coalescing off', async () => {
    const app = await gateway({ coalesce: { enabled: false } })
    const ids = await seed(app, 20)
    fake.http.reset()
    await Promise.all(ids.map((id) => app.inject({ method: 'GET', url: `/tasks/${id}`, headers })))
    expect(taskReads()).toBe(20)
  })

  it('coalesces concurrent single completions into batch/update', async () => {
    const app = await gateway()
    const ids = await seed(app, 50)
    fake.http.reset()
    const done = await Promise.all(ids.map((id) => app.inject({ method: 'PATCH', url: `/tasks/${id}`, headers, payload: { completed: true } })))
    expect(done.every((res) => res.statusCode === 200 && res.json().completed === true)).toBe(true)
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks/batch/update') + fake.http.count('PATCH', /tasks\/\d+$/)).toBeLessThanOrEqual(3)
  })

  it('serves repeated reads from the cache when it is on, and a write through the gateway updates it at once', async () => {
    const app = await gateway({ cache: { max: 100, ttlMs: 60_000 } })
    const [id] = await seed(app, 1)
    fake.http.reset()
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: `/tasks/${id}`, headers })).statusCode).toBe(200)
    expect(taskReads()).toBe(0)
    const done = (await app.inject({ method: 'PATCH', url: `/tasks/${id}`, headers, payload: { completed: true } })).json()
    const read = (await app.inject({ method: 'GET', url: `/tasks/${id}`, headers })).json()
    expect(read.completed).toBe(true)
    expect(read.completedAt).toBe(done.completedAt)
    await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids: [id], completed: false } })
    const batch = (await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: [id] } })).json()
    expect(batch[0]).toMatchObject({ completed: false, completedAt: null })
  })
})
