import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN } from '../fakes/hubspot.ts'
import { TestRedis } from '../helpers/redis.ts'
import { type ServerProcess, startFakeHubSpotProcess, startServer } from '../helpers/server-process.ts'
import { waitFor } from '../helpers/wait.ts'

/** 50 calls a second, counted as HubSpot counts them: over a rolling 10-second window. */
const LIMIT = 50
const WINDOW_MS = 10_000
const KEY = 'scale-out-key'

interface Stats {
  byRoute: Record<string, number>
  rateLimited: number
  violations: string[]
}

/**
 * Three gateway processes behind a round-robin client, one fake CRM that allows 50 calls a
 * second (in a process of its own, so this file's work cannot skew its clock), and Redis as the
 * replicas' shared engine. Each run is ~20 s of sustained load.
 */
describe('three replicas share one CRM budget through Redis', () => {
  let fake: Awaited<ReturnType<typeof startFakeHubSpotProcess>>
  let redis: TestRedis
  let servers: ServerProcess[] = []
  let ids: string[] = []
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.stop()))
    servers = []
    await fake?.stop()
    await redis?.down()
  })

  const setup = async () => {
    redis = await TestRedis.start()
    fake = await startFakeHubSpotProcess({ PER_WINDOW: String((LIMIT * WINDOW_MS) / 1000), WINDOW_MS: String(WINDOW_MS) })
    const seeded = await request(`${fake.url}/__seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 600, start: 70_000_000_000 }),
    })
    ids = ((await seeded.body.json()) as { ids: string[] }).ids.map((id) => `hubspot.${id}`)
    const path = join(await mkdtemp(join(tmpdir(), 'gateway-scale-')), 'gateway.yaml')
    await writeFile(
      path,
      `auth:
  apiKeys: ${KEY}
health:
  intervalMs: 0
limits:
  requestTimeoutMs: 30000
coordination:
  redis:
    url: ${redis.url}
    prefix: scale-${Date.now()}
    replicas: 3
connections:
  hubspot:
    adapter: hubspot
    accessToken: \${HUBSPOT_ACCESS_TOKEN}
    baseUrl: ${fake.url}
    concurrency: 4
    rateLimit: { requests: ${(LIMIT * WINDOW_MS) / 1000}, intervalMs: ${WINDOW_MS} }
active: hubspot
`,
    )
    servers = await Promise.all([0, 1, 2].map(() => startServer({ GATEWAY_CONFIG: path, HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN })))
    await waitFor(async () => (await Promise.all(servers.map(coordination))).every((state) => state === 'shared'))
    await request(`${fake.url}/__reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  }

  const stats = async () => (await (await request(`${fake.url}/__stats`)).body.json()) as Stats
  const calls = (s: Stats) => Object.values(s.byRoute).reduce((a, b) => a + b, 0)

  const coordination = async (server: ServerProcess) => {
    const res = await request(`${server.base}/readyz`)
    return ((await res.body.json()) as { coordination: string }).coordination
  }

  /** Workers send batch gets and completes of 100 ids, round-robin over the replicas, until `ms` pass. */
  const sustain = async (ms: number, during?: (elapsed: number) => Promise<void>) => {
    const failures: string[] = []
    const end = Date.now() + ms
    let next = 0
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < end; i++) {
        const server = servers[next++ % servers.length]!
        const slice = ids.slice(((w * 7 + i) * 100) % 500, (((w * 7 + i) * 100) % 500) + 100)
        const complete = i % 2 === 1
        const res = await request(`${server.base}/tasks/batch`, {
          method: complete ? 'PATCH' : 'POST',
          headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
          body: JSON.stringify(complete ? { ids: slice, completed: true } : { ids: slice }),
        })
        const body = await res.body.text()
        if (res.statusCode !== 200) failures.push(`${res.statusCode} ${body.slice(0, 200)}`)
      }
    }
    const started = Date.now()
    const script = during?.(0)
    await Promise.all(Array.from({ length: 9 }, (_, w) => worker(w)))
    await script
    return { failures, started, ended: Date.now() }
  }

  it('never draws a 429 from the CRM and uses at least 90% of its rate, for 20 seconds', async () => {
    await setup()
    const { failures, started, ended } = await sustain(20_000)
    const seen = await stats()
    expect(failures).toEqual([])
    expect(seen.rateLimited).toBe(0)
    expect(seen.violations).toEqual([])
    const reached = calls(seen) / ((ended - started) / 1000)
    console.log(`scale-out: ${reached.toFixed(1)} CRM calls/s of ${LIMIT} allowed (${((reached / LIMIT) * 100).toFixed(0)}%)`)
    expect(reached).toBeGreaterThanOrEqual(LIMIT * 0.9)
  }, 90_000)

  it('keeps serving under the limit when Redis stops, and shares again when it returns', async () => {
    await setup()
    const states: string[][] = []
    const { failures } = await sustain(24_000, async () => {
      await new Promise((resolve) => setTimeout(resolve, 6000))
      await redis.down()
      await waitFor(async () => (await Promise.all(servers.map(coordination))).every((state) => state === 'degraded'))
      states.push(await Promise.all(servers.map(coordination)))
      await new Promise((resolve) => setTimeout(resolve, 8000))
      await redis.up()
      await waitFor(async () => (await Promise.all(servers.map(coordination))).every((state) => state === 'shared'), 15_000)
      states.push(await Promise.all(servers.map(coordination)))
    })
    expect(failures).toEqual([])
    expect((await stats()).rateLimited).toBe(0)
    expect(states).toEqual([
      ['degraded', 'degraded', 'degraded'],
      ['shared', 'shared', 'shared'],
    ])
    const metrics = await (await request(`${servers[0]!.base}/metrics`)).body.text()
    expect(metrics).toMatch(/gateway_coordination_state 1/)
  }, 90_000)
})
