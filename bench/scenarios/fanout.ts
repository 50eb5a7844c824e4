import { HUBSPOT_TOKEN, KEY, fakeReset, fakeStats, hubspotConnection, json, ratio, seed, table, totalCalls } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

const LATENCY = 50
const LIMIT = { requests: 100, intervalMs: 1000 }
const CONCURRENCY = 8
const TASK_PROPERTIES = ['hs_task_subject', 'hs_task_status', 'hs_timestamp']

type Kind = 'read' | 'update' | 'associations'

/** One upstream call of a perfect client, and the calls whose answers it needs first. */
interface PlannedCall {
  readonly kind: Kind
  readonly after: readonly number[]
}

/**
 * The calls HubSpot needs for `count` tasks, at its limits (tasks 100 per call, associations
 * 1,000 per call and kind): for a read, the task reads and one association read per kind and
 * thousand, none waiting for another; for a completion, each hundred's update then its
 * read-back, and the association reads (a status update does not change them).
 */
function plan(count: number, completion: boolean): PlannedCall[] {
  const calls: PlannedCall[] = []
  const add = (kind: Kind, after: number[]) => calls.push({ kind, after }) - 1
  for (let thousand = 0; thousand < count; thousand += 1000) {
    for (let hundred = thousand; hundred < Math.min(count, thousand + 1000); hundred += 100) {
      add('read', completion ? [add('update', [])] : [])
    }
    add('associations', [])
    add('associations', [])
  }
  return calls
}

/**
 * The least time a perfect client needs for `calls`: CONCURRENCY calls at once, each taking the
 * fake's measured round trip for its kind, at most LIMIT.requests starting in any
 * LIMIT.intervalMs (no margin for jitter), a call starting as soon as the calls it needs have
 * answered. Simulated call by call, earliest first.
 */
function ideal(calls: readonly PlannedCall[], roundTrip: Record<Kind, number>): number {
  const slots = Array<number>(CONCURRENCY).fill(0)
  const done = Array<number | undefined>(calls.length)
  const starts: number[] = []
  for (let left = calls.length; left > 0; left--) {
    let next = -1
    let ready = Number.POSITIVE_INFINITY
    calls.forEach((call, i) => {
      if (done[i] !== undefined || call.after.some((j) => done[j] === undefined)) return
      const at = Math.max(0, ...call.after.map((j) => done[j]!))
      if (at < ready) [next, ready] = [i, at]
    })
    const slot = slots.indexOf(Math.min(...slots))
    const windowFree = starts.length >= LIMIT.requests ? starts[starts.length - LIMIT.requests]! + LIMIT.intervalMs : 0
    const start = Math.max(slots[slot]!, ready, windowFree)
    starts.push(start)
    done[next] = slots[slot] = start + roundTrip[calls[next]!.kind]
  }
  return Math.round(Math.max(...done.map((end) => end ?? 0)))
}

/**
 * The fake's own round trip for each kind of call, sent straight to it from this process as a
 * perfect client would send them (reads and updates CONCURRENCY at once, the two association
 * kinds together): the configured latency plus the fake's work on 100 or 1,000 ids. Median of 5.
 */
async function measureRoundTrips(fakeUrl: string, ids: readonly string[]): Promise<Record<Kind, number>> {
  const headers = { authorization: `Bearer ${HUBSPOT_TOKEN}` }
  const post = (path: string, body: unknown) => json(`${fakeUrl}${path}`, 'POST', body, headers)
  const hundred = (i: number) => ids.slice(i * 100, i * 100 + 100)
  const waves: Record<Kind, () => Promise<unknown>> = {
    read: () =>
      Promise.all(Array.from({ length: CONCURRENCY }, (_, i) =>
        post('/crm/v3/objects/tasks/batch/read', { properties: TASK_PROPERTIES, propertiesWithHistory: [], inputs: hundred(i).map((id) => ({ id })) }),
      )),
    update: () =>
      Promise.all(Array.from({ length: CONCURRENCY }, (_, i) =>
        post('/crm/v3/objects/tasks/batch/update', { inputs: hundred(i).map((id) => ({ id, properties: { hs_task_status: 'COMPLETED' } })) }),
      )),
    associations: () =>
      Promise.all(['contacts', 'companies'].map((kind) => post(`/crm/v4/associations/tasks/${kind}/batch/read`, { inputs: ids.slice(0, 1000).map((id) => ({ id })) }))),
  }
  const roundTrip = {} as Record<Kind, number>
  for (const kind of Object.keys(waves) as Kind[]) {
    const times: number[] = []
    for (let run = 0; run < 5; run++) {
      const started = performance.now()
      await waves[kind]()
      times.push(performance.now() - started)
    }
    roundTrip[kind] = times.sort((a, b) => a - b)[2]!
  }
  return roundTrip
}

/** Fan-out: batches against a HubSpot fake with 50 ms latency and a rate limit, vs a perfect client. */
export async function fanout(): Promise<string> {
  const fake = await startServer('fake', { LATENCY_MS: String(LATENCY), PER_WINDOW: String(LIMIT.requests), WINDOW_MS: String(LIMIT.intervalMs) })
  const gateway = await startServer('gateway', {
    BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url, { rateLimit: LIMIT, concurrency: CONCURRENCY })),
  })
  try {
    const native = await seed(fake.url, 10_000)
    const ids = native.map((id) => `hubspot.${id}`)
    const headers = { 'x-api-key': KEY }
    const roundTrip = await measureRoundTrips(fake.url, native)
    const rows: (string | number)[][] = []
    for (const [name, method, count] of [
      ['batch get 1,000', 'POST', 1000],
      ['batch get 10,000', 'POST', 10_000],
      ['batch complete 1,000', 'PATCH', 1000],
    ] as const) {
      const body = method === 'POST' ? { ids: ids.slice(0, count) } : { ids: ids.slice(0, count), completed: true }
      // Three runs to warm the gateway up (a long-running server is measured in its steady
      // state), then the median of five; each starts with the fake's counters and both rate-limit
      // windows clear.
      const runs: { took: number; status: number; tasks: number; calls: number; limited: number }[] = []
      for (let run = 0; run < 8; run++) {
        await fakeReset(fake.url)
        await new Promise((resolve) => setTimeout(resolve, LIMIT.intervalMs))
        const started = performance.now()
        const res = await json<unknown[]>(`${gateway.url}/tasks/batch`, method, body, headers)
        const took = performance.now() - started
        const stats = await fakeStats(fake.url)
        if (run >= 3) runs.push({ took, status: res.status, tasks: res.body.length, calls: totalCalls(stats), limited: stats.rateLimited })
      }
      runs.sort((a, b) => a.took - b.took)
      const { took, status, tasks } = runs[2]!
      const calls = plan(count, method === 'PATCH')
      const best = ideal(calls, roundTrip)
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
    const trips = (Object.entries(roundTrip) as [Kind, number][]).map(([kind, ms]) => `${kind} ${ms.toFixed(1)} ms`).join(', ')
    return `### Fan-out (HubSpot fake: ${LATENCY} ms per call, ${LIMIT.requests} calls per ${LIMIT.intervalMs} ms; gateway: same rateLimit, concurrency ${CONCURRENCY}; median of 5 after 3 warm-up runs)\n\n${table(
      ['batch', 'answer', 'time', 'perfect client', 'time / perfect', 'upstream calls', 'minimum calls', '429s'],
      rows,
    )}\n\nThe perfect client is simulated with the fake's round trips measured in this run (${trips}).`
  } finally {
    await gateway.stop()
    await fake.stop()
  }
}
