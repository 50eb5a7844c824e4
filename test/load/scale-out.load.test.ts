import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN } from '../../adapters/hubspot/fake/hubspot.ts'
import { TestRedis } from '../helpers/redis.ts'
import { type ServerProcess, startFakeCrmProcess, startServer } from '../helpers/server-process.ts'
import { waitFor } from '../helpers/wait.ts'

/** 50 calls a second, counted as HubSpot counts them: over a rolling 10-second window. */
const LIMIT = 50
const WINDOW_MS = 10_000
const KEY = 'scale-out-key'

interface Stats {
  byRoute: Record<string, number>
  /** When each call arrived, ms since the epoch (the fake runs on this machine's clock). */
  arrivals: number[]
  /** 5xx answers the fake gave. */
  failed: number
  rateLimited: number
  violations: string[]
}

/**
 * Gateway processes behind a round-robin client, one fake CRM that allows 50 calls a second (in a
 * process of its own, so this file's work cannot skew its clock), and Redis as the replicas'
 * shared engine. Each run is 20 to 26 s of sustained load: as fast as the limit lets it, or paced
 * at about 90% of it, so that a pause in the CRM's calls is the limiter's doing, not a full window.
 */
describe('three replicas share one CRM budget through Redis', () => {
  let fake: Awaited<ReturnType<typeof startFakeCrmProcess>>
  let redis: TestRedis
  let servers: ServerProcess[] = []
  let ids: string[] = []
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.stop()))
    servers = []
    await fake?.stop()
    await redis?.down()
  })

  const setup = async (replicas = 3, requestTimeoutMs = 30_000) => {
    redis = await TestRedis.start()
    fake = await startFakeCrmProcess({ PER_WINDOW: String((LIMIT * WINDOW_MS) / 1000), WINDOW_MS: String(WINDOW_MS) })
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
  requestTimeoutMs: ${requestTimeoutMs}
coordination:
  redis:
    url: ${redis.url}
    prefix: scale-${Date.now()}
    replicas: ${replicas}
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
    servers = await Promise.all(Array.from({ length: replicas }, () => startServer({ GATEWAY_CONFIG: path, HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN })))
    await waitFor(async () => (await Promise.all(servers.map(coordination))).every((state) => state === 'shared'))
    await request(`${fake.url}/__reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  }

  const stats = async () => (await (await request(`${fake.url}/__stats`)).body.json()) as Stats
  const calls = (s: Stats) => Object.values(s.byRoute).reduce((a, b) => a + b, 0)

  const coordination = async (server: ServerProcess) => {
    const res = await request(`${server.base}/readyz`)
    return ((await res.body.json()) as { coordination: string }).coordination
  }

  /** Workers send batch gets and completes of 100 ids, round-robin over the replicas, until `ms`
   * pass: each as fast as it is answered, or one every `everyMs`. */
  const sustain = async (ms: number, during?: (elapsed: number) => Promise<void>, everyMs = 0) => {
    const failures: string[] = []
    const end = Date.now() + ms
    let next = 0
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < end; i++) {
        const due = Date.now() + everyMs
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
        await sleep(Math.max(0, due - Date.now()))
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

  it('two replicas: Redis down for 10 s fails no request, and CRM traffic goes on without waiting out a window', async () => {
    // The default deadline (15 s): a wait past it, blamed on the CRM, is what this guards against.
    // Requests paced at about 45 CRM calls a second: a pause in the calls is then the limiter's
    // own, not the window being full.
    await setup(2, 15_000)
    const states: string[][] = []
    let down = 0
    let up = 0
    const { failures, started, ended } = await sustain(26_000, async () => {
      await sleep(6000)
      down = Date.now()
      await redis.down()
      await waitFor(async () => (await Promise.all(servers.map(coordination))).every((state) => state === 'degraded'))
      states.push(await Promise.all(servers.map(coordination)))
      await sleep(down + 10_000 - Date.now())
      up = Date.now()
      await redis.up()
      await waitFor(async () => (await Promise.all(servers.map(coordination))).every((state) => state === 'shared'), 15_000)
      states.push(await Promise.all(servers.map(coordination)))
    }, 700)
    const seen = await stats()
    const arrivals = seen.arrivals.filter((at) => at >= started).sort((a, b) => a - b)
    const gaps = (from: number, to: number) => {
      const inside = [from, ...arrivals.filter((at) => at > from && at < to), to]
      return Math.max(...inside.slice(1).map((at, i) => at - inside[i]!))
    }
    const longest = { beforeDown: gaps(started + 1000, down), outage: gaps(down, up), afterUp: gaps(up, ended), all: gaps(started + 1000, ended) }
    const rate = (from: number, to: number) => (arrivals.filter((at) => at >= from && at < to).length / (to - from)) * 1000
    console.log(
      `redis outage: longest gap in CRM calls ${longest.all} ms (before ${longest.beforeDown}, during ${longest.outage}, after ${longest.afterUp}); ` +
        `calls/s before ${rate(started, down).toFixed(1)}, during ${rate(down, up).toFixed(1)}, after ${rate(up, ended).toFixed(1)}; ` +
        `${failures.length} failed requests (${failures.filter((f) => f.startsWith('5')).length} 5xx), ${seen.failed} 5xx answered by the CRM, ${seen.rateLimited} 429s`,
    )
    expect(failures).toEqual([])
    expect(seen.failed).toBe(0)
    expect(seen.rateLimited).toBe(0)
    expect(seen.violations).toEqual([])
    // Traffic never waits out a whole window, leaving or rejoining Redis; a second of jitter allowed.
    expect(longest.all).toBeLessThan(WINDOW_MS + 1000)
    expect(states).toEqual([
      ['degraded', 'degraded'],
      ['shared', 'shared'],
    ])
    const metrics = await (await request(`${servers[0]!.base}/metrics`)).body.text()
    expect(metrics).toMatch(/gateway_coordination_state 1/)
  }, 90_000)
})
