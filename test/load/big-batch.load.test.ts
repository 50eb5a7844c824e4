import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../../adapters/pipedrive/fake/pipedrive.ts'
import { headers, testApp } from '../helpers/app.ts'

/**
 * A batch bigger than the CRM's rate limit allows before the deadline, on a CRM with no batch
 * update: 1,000 completions on Pipedrive at 20 calls per 2 s (100 s of calls), with a 15 s
 * deadline per request. Enginy retries at once; each try must make progress, no task may be
 * written twice, and the connection's other requests must be served meanwhile.
 */
describe('a batch that cannot fit one deadline', () => {
  let fake: PipedriveFake
  let app: FastifyInstance
  beforeAll(async () => {
    fake = await PipedriveFake.start({ burst: 20, windowMs: 2000 })
    app = await testApp({
      connections: {
        pipedrive: {
          adapter: 'pipedrive',
          apiToken: PIPEDRIVE_TOKEN,
          baseUrl: fake.url,
          concurrency: 4,
          rateLimit: { requests: 20, intervalMs: 2000 },
        },
      },
      limits: { requestTimeoutMs: 15_000 },
    })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  it('finishes 1,000 completions under 20 calls per 2 s across retries, each task written once, serving GETs meanwhile', async () => {
    const ids = fake.seed(1000, 10_001).map((id) => `pipedrive.${id}`)
    fake.http.reset()
    let finished = false
    const gets: number[] = []
    const reading = (async () => {
      while (!finished) {
        gets.push((await app.inject({ method: 'GET', url: `/tasks/${ids[500]}`, headers })).statusCode)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    })()
    const tries: number[] = []
    for (let attempt = 0; attempt < 30; attempt++) {
      const res = await app.inject({ method: 'PATCH', url: '/tasks/batch', headers, payload: { ids, completed: true } })
      tries.push(res.statusCode)
      if (res.statusCode === 200) {
        expect(res.json()).toHaveLength(1000)
        break
      }
      expect(res.statusCode).toBe(503)
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    }
    finished = true
    await reading
    console.log(`tries: ${tries.join(', ')}; GETs meanwhile: ${gets.length}, all 200: ${gets.every((s) => s === 200)}; 429s: ${fake.http.rateLimited}`)
    expect(tries.at(-1)).toBe(200)
    // A PATCH the fake refused (a 429 when the network bunched calls) did not write; a retried one did.
    const patches = fake.http.requests.filter((r) => r.method === 'PATCH' && r.status === 200).map((r) => r.path)
    expect(new Set(patches).size, 'every task written').toBe(1000)
    expect(patches, 'no task written twice').toHaveLength(1000)
    expect([...fake.activities.values()].every((activity) => activity.done)).toBe(true)
    expect(gets.length).toBeGreaterThan(10)
    expect(gets.every((status) => status === 200)).toBe(true)
  }, 400_000)
})
