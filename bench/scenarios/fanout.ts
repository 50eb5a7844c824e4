import {
  HUBSPOT_TOKEN,
  KEY,
  PIPEDRIVE_TOKEN,
  fakeReset,
  fakeStats,
  hubspotConnection,
  json,
  pipedriveConnection,
  ratio,
  seed,
  table,
  totalCalls,
} from '../lib/helpers.ts'
import { type Limits, type PlannedCall, medianOfFive, perfectTime } from '../lib/perfect-client.ts'
import { type ServerProcess, startServer } from '../lib/process.ts'

const LATENCY = 50
const CONCURRENCY = 8

interface Crm {
  readonly name: string
  readonly limits: Limits
  /** The calls the CRM needs at least for `count` tasks, read or completed. */
  plan(count: number, completion: boolean): PlannedCall[]
  /** Each kind of call sent straight to the fake as a perfect client would send them at once. */
  waves(fakeUrl: string, ids: readonly string[]): Record<string, () => Promise<unknown>>
  connection(fakeUrl: string): unknown
  readonly seedStart: number
  /** Each batch, with its warm-up runs and its measured runs. */
  readonly cases: readonly [name: string, method: 'POST' | 'PATCH', count: number, warmUps: number, runs: number][]
}

/** The gateway's `rateLimit` for a CRM: the fake's own window. */
const windowOf = (crm: Crm) => ({ requests: crm.limits.requests, intervalMs: crm.limits.intervalMs })
const post = (url: string, body: unknown, headers: Record<string, string>) => json(url, 'POST', body, headers)
const hundred = (ids: readonly string[], i: number) => ids.slice(i * 100, i * 100 + 100)
const eight = (send: (i: number) => Promise<unknown>) => () => Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => send(i)))

/**
 * HubSpot: tasks are read and updated 100 per call, associations read 1,000 per call and kind.
 * A read is its task reads and one association read per kind and thousand, none waiting for
 * another; a completion is each hundred's update then its read-back, and the association reads
 * (a status update does not change them).
 */
const hubspot: Crm = {
  name: 'HubSpot',
  limits: { concurrency: CONCURRENCY, requests: 100, intervalMs: 1000 },
  plan(count, completion) {
    const calls: PlannedCall[] = []
    const add = (kind: string, after: number[]) => calls.push({ kind, after }) - 1
    for (let thousand = 0; thousand < count; thousand += 1000) {
      for (let at = thousand; at < Math.min(count, thousand + 1000); at += 100) add('read', completion ? [add('update', [])] : [])
      add('associations', [])
      add('associations', [])
    }
    return calls
  },
  waves(fakeUrl, ids) {
    const headers = { authorization: `Bearer ${HUBSPOT_TOKEN}` }
    const properties = ['hs_task_subject', 'hs_task_status', 'hs_timestamp']
    return {
      read: eight((i) =>
        post(`${fakeUrl}/crm/objects/2026-09/tasks/batch/read`, { properties, propertiesWithHistory: [], inputs: hundred(ids, i).map((id) => ({ id })) }, headers),
      ),
      update: eight((i) =>
        post(`${fakeUrl}/crm/objects/2026-09/tasks/batch/update`, { inputs: hundred(ids, i).map((id) => ({ id, properties: { hs_task_status: 'COMPLETED' } })) }, headers),
      ),
      associations: () =>
        Promise.all(
          ['contacts', 'companies'].map((kind) =>
            post(`${fakeUrl}/crm/associations/2026-09/tasks/${kind}/batch/read`, { inputs: ids.slice(0, 1000).map((id) => ({ id })) }, headers),
          ),
        ),
    }
  },
  connection: (fakeUrl) => hubspotConnection(fakeUrl, { rateLimit: windowOf(hubspot), concurrency: CONCURRENCY }),
  seedStart: 60_000_000_000,
  cases: [
    ['batch get 1,000', 'POST', 1000, 3, 5],
    ['batch get 10,000', 'POST', 10_000, 3, 5],
    ['batch complete 1,000', 'PATCH', 1000, 3, 5],
  ],
}

/**
 * Pipedrive: activities are read 100 per call (`?ids=`), and have no batch update, so a
 * completion is one PATCH per activity, whose answer is the updated activity.
 */
const pipedrive: Crm = {
  name: 'Pipedrive',
  limits: { concurrency: CONCURRENCY, requests: 200, intervalMs: 2000 },
  plan: (count, completion) =>
    Array.from({ length: completion ? count : Math.ceil(count / 100) }, () => ({ kind: completion ? 'update' : 'read', after: [] })),
  waves(fakeUrl, ids) {
    const headers = { 'x-api-token': PIPEDRIVE_TOKEN }
    return {
      read: eight((i) => json(`${fakeUrl}/api/v2/activities?ids=${hundred(ids, i).join(',')}`, 'GET', undefined, headers)),
      update: eight((i) => json(`${fakeUrl}/api/v2/activities/${ids[i]}`, 'PATCH', { done: true }, headers)),
    }
  },
  connection: (fakeUrl) => pipedriveConnection(fakeUrl, { rateLimit: windowOf(pipedrive), concurrency: CONCURRENCY }),
  seedStart: 1_000_000,
  cases: [
    ['batch get 1,000', 'POST', 1000, 3, 5],
    ['batch get 10,000', 'POST', 10_000, 3, 5],
    // A thousand PATCHes take about ten seconds: long enough to warm up on their own.
    ['batch complete 1,000', 'PATCH', 1000, 1, 3],
  ],
}

/** Fan-out: batches against fake CRMs with 50 ms latency and a rate limit, vs a perfect client. */
export async function fanout(): Promise<string> {
  const tables: string[] = []
  for (const crm of [hubspot, pipedrive]) tables.push(await fanoutOf(crm))
  return tables.join('\n\n')
}

async function fanoutOf(crm: Crm): Promise<string> {
  const { requests, intervalMs } = crm.limits
  const fake = await startServer('fake', {
    CRM: crm.name.toLowerCase(),
    LATENCY_MS: String(LATENCY),
    PER_WINDOW: String(requests),
    WINDOW_MS: String(intervalMs),
  })
  let gateway: ServerProcess | undefined
  try {
    gateway = await startServer('gateway', { BENCH_CONFIG: JSON.stringify(crm.connection(fake.url)) })
    const native = await seed(fake.url, 10_000, crm.seedStart)
    const ids = native.map((id) => `${crm.name.toLowerCase()}.${id}`)
    // The fake's own round trip for each kind of call, sent straight to it from this process:
    // the configured latency plus the fake's work on the ids. Median of five.
    const roundTrip: Record<string, number> = {}
    for (const [kind, wave] of Object.entries(crm.waves(fake.url, native))) {
      roundTrip[kind] = await medianOfFive(wave)
      await fakeReset(fake.url)
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
    const rows: (string | number)[][] = []
    for (const [name, method, count, warmUps, measured] of crm.cases) {
      const body = method === 'POST' ? { ids: ids.slice(0, count) } : { ids: ids.slice(0, count), completed: true }
      // Warm-up runs first (a long-running server is measured in its steady state), then the
      // median of the measured ones; each starts with the fake's counters and both rate-limit
      // windows clear.
      const runs: { took: number; status: number; tasks: number; calls: number; limited: number }[] = []
      for (let run = 0; run < warmUps + measured; run++) {
        // Completions start from open tasks every run: a completion reads first and writes only
        // tasks not yet completed (Pipedrive's), so a second run would otherwise write none.
        if (method === 'PATCH') await seed(fake.url, count, crm.seedStart)
        await fakeReset(fake.url)
        await new Promise((resolve) => setTimeout(resolve, intervalMs))
        const started = performance.now()
        const res = await json<unknown[]>(`${gateway.url}/tasks/batch`, method, body, { 'x-api-key': KEY })
        const took = performance.now() - started
        const stats = await fakeStats(fake.url)
        if (run >= warmUps) runs.push({ took, status: res.status, tasks: res.body.length, calls: totalCalls(stats), limited: stats.rateLimited })
      }
      runs.sort((a, b) => a.took - b.took)
      const { took, status, tasks } = runs[Math.floor(runs.length / 2)]!
      const calls = crm.plan(count, method === 'PATCH')
      const best = perfectTime(calls, roundTrip, crm.limits)
      rows.push([
        name,
        `${status}, ${tasks} tasks`,
        `${Math.round(took)} ms`,
        `${best} ms`,
        ratio(took / best),
        Math.max(...runs.map((r) => r.calls)),
        calls.length,
        runs.reduce((sum, r) => sum + r.limited, 0),
      ])
    }
    const trips = Object.entries(roundTrip)
      .map(([kind, ms]) => `${kind} ${ms.toFixed(1)} ms`)
      .join(', ')
    return `### Fan-out, ${crm.name} (fake: ${LATENCY} ms per call, ${requests} calls per ${intervalMs} ms; gateway: same rateLimit, concurrency ${CONCURRENCY}; median of the runs after warm-up)\n\n${table(
      ['batch', 'answer', 'time', 'perfect client', 'time / perfect', 'upstream calls', 'minimum calls', '429s'],
      rows,
    )}\n\nThe perfect client is simulated with the fake's round trips measured in this run (${trips}).`
  } finally {
    await gateway?.stop()
    await fake.stop()
  }
}
