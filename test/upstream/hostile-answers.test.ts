import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../../adapters/pipedrive/fake/pipedrive.ts'
import { headers, testApp } from '../helpers/app.ts'

const MB = 1024 * 1024
/** No test asserts a time (these machines are noisy): a hang, or quadratic work on 1 MB, trips this timeout. */
const HANG_GUARD_MS = 20_000

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

  /** `work`'s result, with `/healthz` polled every 5 ms meanwhile: each poll must answer 200.
   * The times are printed for the record, not asserted (these machines are noisy); an event loop
   * frozen by quadratic parsing (minutes for 1 MB) trips the test's timeout instead. */
  const whileServing = async <T>(name: string, work: Promise<T>) => {
    const started = performance.now()
    let done = false
    let polls = 0
    let healthMs = 0
    const polling = (async () => {
      while (!done) {
        const at = performance.now()
        const health = await app.inject({ method: 'GET', url: '/healthz' })
        expect(health.statusCode).toBe(200)
        healthMs = Math.max(healthMs, performance.now() - at)
        polls += 1
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()
    const result = await work.finally(() => {
      done = true
    })
    const ms = performance.now() - started
    await polling
    console.log(`${name}: answered in ${ms.toFixed(0)} ms; slowest of ${polls} /healthz meanwhile: ${healthMs.toFixed(1)} ms`)
    return { result, polls }
  }

  /** The fake's answer to `path`, serialized once: the fake shares this process, and the time
   * measured must be the gateway's. */
  const prebuilt = async <T>(name: string, fake: HubSpotFake | PipedriveFake, path: RegExp, run: () => Promise<T>) => {
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
      return await whileServing(name, run())
    } finally {
      fake.http.handler = answer
    }
  }

  it('reads 1 MB of "<" in five HubSpot task bodies in linear time, serving /healthz meanwhile', { timeout: HANG_GUARD_MS }, async () => {
    const ids = hubspot.seed(5, 60_000_000_001).map((id) => `hubspot.${id}`)
    for (const id of ids) hubspot.tasks.get(id.slice(8))!.properties.hs_task_body = '<'.repeat(MB)
    const read = () => app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })
    const { result, polls } = await prebuilt('1 MB of "<" in five HubSpot task bodies', hubspot, /batch\/read$/, read)
    expect(result.statusCode).toBe(200)
    const tasks = result.json() as { description: string }[]
    expect(tasks).toHaveLength(5)
    // The contract allows 65,536 characters; the rest is cut, with a warning in the log.
    for (const task of tasks) expect(task.description).toBe('<'.repeat(65_536))
    expect(polls).toBeGreaterThan(0)
  })

  it('reads 1 MB of "<" in a Pipedrive note in linear time, serving /healthz meanwhile', { timeout: HANG_GUARD_MS }, async () => {
    const [id] = pipedrive.seed(1, 70_001)
    pipedrive.activities.get(Number(id))!.note = '<'.repeat(MB)
    const read = () => app.inject({ method: 'GET', url: `/tasks/pipedrive.${id}`, headers })
    const { result, polls } = await prebuilt('1 MB of "<" in a Pipedrive note', pipedrive, /^\/api\/v2\/activities\/\d+$/, read)
    expect(result.statusCode).toBe(200)
    expect(result.json().description).toBe('<'.repeat(65_536))
    expect(polls).toBeGreaterThan(0)
  })

  it('refuses at once an answer whose declared length passes the cap, and a 100 MB subject never reaches Enginy', { timeout: HANG_GUARD_MS }, async () => {
    const [id] = pipedrive.seed(1, 70_101)
    pipedrive.activities.get(Number(id))!.subject = 's'.repeat(100 * MB)
    const res = await app.inject({ method: 'GET', url: `/tasks/pipedrive.${id}`, headers })
    expect(res.statusCode).toBe(502)
    expect(res.body.length).toBeLessThan(1000)
  })
})
