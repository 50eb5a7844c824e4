import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../fakes/hubspot.ts'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../fakes/pipedrive.ts'
import { headers, testApp } from '../helpers/app.ts'

const MB = 1024 * 1024

/**
 * Answers a CRM controls and the gateway must survive: a megabyte of markup that a regular
 * expression would take minutes over, and a subject larger than anyone should relay. Time is
 * measured here because it is the property under test (the bounds are generous).
 */
describe('hostile CRM answers', () => {
  let hubspot: HubSpotFake
  let pipedrive: PipedriveFake
  let app: FastifyInstance
  beforeAll(async () => {
    hubspot = await HubSpotFake.start()
    pipedrive = await PipedriveFake.start()
    app = await testApp({
      connections: {
        hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: hubspot.url, retry: { maxRetries: 0 } },
        pipedrive: { adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: pipedrive.url, retry: { maxRetries: 0 } },
      },
      active: 'hubspot',
    })
  })
  afterAll(async () => {
    await app.close()
    await hubspot.close()
    await pipedrive.close()
  })

  /** The slowest `/healthz` answer while `work` runs, polling every 5 ms. */
  const whileServing = async <T>(work: Promise<T>) => {
    const started = performance.now()
    let done = false
    let healthMs = 0
    const polling = (async () => {
      while (!done) {
        const at = performance.now()
        const health = await app.inject({ method: 'GET', url: '/healthz' })
        expect(health.statusCode).toBe(200)
        healthMs = Math.max(healthMs, performance.now() - at)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()
    const result = await work.finally(() => {
      done = true
    })
    const ms = performance.now() - started
    await polling
    return { result, ms, healthMs }
  }

  /** The fake's answer to `path`, serialized once: the fake shares this process, and the time
   * measured must be the gateway's. */
  const prebuilt = async <T>(fake: HubSpotFake | PipedriveFake, path: RegExp, run: () => Promise<T>) => {
    const answer = fake.http.handler
    const built = new Map<string, string>()
    fake.http.handler = async (request) => {
      if (!path.test(request.path)) return answer(request)
      const key = `${request.path} ${JSON.stringify(request.body)}`
      if (!built.has(key)) built.set(key, JSON.stringify((await answer(request)).body))
      return { json: built.get(key)! }
    }
    try {
      // Once to build the answers (and compile the gateway's schemas), then measured.
      await run()
      return await whileServing(run())
    } finally {
      fake.http.handler = answer
    }
  }

  it('reads 1 MB of "<" in five HubSpot task bodies within a second, serving /healthz meanwhile', async () => {
    const ids = hubspot.seed(5, 60_000_000_001).map((id) => `hubspot.${id}`)
    for (const id of ids) hubspot.tasks.get(id.slice(8))!.properties.hs_task_body = '<'.repeat(MB)
    const read = () => app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })
    const { result, ms, healthMs } = await prebuilt(hubspot, /batch\/read$/, read)
    expect(result.statusCode).toBe(200)
    const tasks = result.json() as { description: string }[]
    expect(tasks).toHaveLength(5)
    // The contract allows 65,536 characters; the rest is cut, with a warning in the log.
    for (const task of tasks) expect(task.description).toBe('<'.repeat(65_536))
    expect(ms, `answered in ${ms.toFixed(0)} ms`).toBeLessThan(1000)
    expect(healthMs, `/healthz answered in at most ${healthMs.toFixed(0)} ms`).toBeLessThan(100)
  })

  it('reads 1 MB of "<" in a Pipedrive note within a second, serving /healthz meanwhile', async () => {
    const [id] = pipedrive.seed(1, 70_001)
    pipedrive.activities.get(Number(id))!.note = '<'.repeat(MB)
    const read = () => app.inject({ method: 'GET', url: `/tasks/pipedrive.${id}`, headers })
    const { result, ms, healthMs } = await prebuilt(pipedrive, /^\/api\/v2\/activities\/\d+$/, read)
    expect(result.statusCode).toBe(200)
    expect(result.json().description).toBe('<'.repeat(65_536))
    expect(ms, `answered in ${ms.toFixed(0)} ms`).toBeLessThan(1000)
    expect(healthMs, `/healthz answered in at most ${healthMs.toFixed(0)} ms`).toBeLessThan(100)
  })

  it('refuses at once an answer whose declared length passes the cap, and a 100 MB subject never reaches Enginy', async () => {
    const [id] = pipedrive.seed(1, 70_101)
    pipedrive.activities.get(Number(id))!.subject = 's'.repeat(100 * MB)
    const started = performance.now()
    const res = await app.inject({ method: 'GET', url: `/tasks/pipedrive.${id}`, headers })
    expect(res.statusCode).toBe(502)
    expect(res.body.length).toBeLessThan(1000)
    expect(performance.now() - started).toBeLessThan(5000)
  })
})
