import { KEY, fakeReset, fakeStats, hubspotConnection, json, ratio, seed, table, totalCalls } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

const LATENCY = 50
const LIMIT = { requests: 100, intervalMs: 1000 }
const CONCURRENCY = 8

/**
 * The least time a perfect client needs: `chunks` chunks of `perChunk` calls made one after the
 * other, CONCURRENCY chunks at once, each call taking LATENCY, and at most LIMIT.requests calls
 * starting in any LIMIT.intervalMs (no margin for jitter). Simulated call by call: the next call
 * starts as soon as a chunk is ready for it and the window has room.
 */
function ideal(chunks: number, perChunk: number): number {
  const workers = Array.from({ length: Math.min(CONCURRENCY, chunks) }, () => ({ ready: 0, left: 0 }))
  let queued = chunks
  const starts: number[] = []
  let end = 0
  for (;;) {
    const worker = workers.filter((w) => w.left > 0 || queued > 0).sort((a, b) => a.ready - b.ready)[0]
    if (!worker) return end
    if (worker.left === 0) {
      worker.left = perChunk
      queued--
    }
    const windowFree = starts.length >= LIMIT.requests ? starts[starts.length - LIMIT.requests]! + LIMIT.intervalMs : 0
    const start = Math.max(worker.ready, windowFree)
    starts.push(start)
    worker.ready = start + LATENCY
    worker.left--
    end = Math.max(end, worker.ready)
  }
}

/** Fan-out: batches against a HubSpot fake with 50 ms latency and a rate limit, vs the ideal. */
export async function fanout(): Promise<string> {
  const fake = await startServer('fake', { LATENCY_MS: String(LATENCY), PER_WINDOW: String(LIMIT.requests), WINDOW_MS: String(LIMIT.intervalMs) })
  const gateway = await startServer('gateway', {
    BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url, { rateLimit: LIMIT, concurrency: CONCURRENCY })),
  })
  try {
    const ids = (await seed(fake.url, 10_000)).map((id) => `hubspot.${id}`)
    const headers = { 'x-api-key': KEY }
    const rows: (string | number)[][] = []
    // HubSpot: a read of 100 is batch/read plus the two association reads; a completion of 100 is
    // batch/update, then the same three reads (the update's answer holds only what changed).
    for (const [name, method, count, perChunk] of [
      ['batch get 1,000', 'POST', 1000, 3],
      ['batch get 10,000', 'POST', 10_000, 3],
      ['batch complete 1,000', 'PATCH', 1000, 4],
    ] as const) {
      await fakeReset(fake.url)
      await new Promise((resolve) => setTimeout(resolve, LIMIT.intervalMs))
      const started = performance.now()
      const res = await json<unknown[]>(`${gateway.url}/tasks/batch`, method, method === 'POST' ? { ids: ids.slice(0, count) } : { ids: ids.slice(0, count), completed: true }, headers)
      const took = performance.now() - started
      const stats = await fakeStats(fake.url)
      const chunks = Math.ceil(count / 100)
      const best = ideal(chunks, perChunk)
      rows.push([
        name,
        `${res.status}, ${(res.body as unknown[]).length} tasks`,
        `${Math.round(took)} ms`,
        `${best} ms`,
        ratio(took / best),
        totalCalls(stats),
        chunks * perChunk,
        stats.rateLimited,
      ])
    }
    return `### Fan-out (HubSpot fake: ${LATENCY} ms per call, ${LIMIT.requests} calls per ${LIMIT.intervalMs} ms; gateway: same rateLimit, concurrency ${CONCURRENCY})\n\n${table(
      ['batch', 'answer', 'time', 'ideal time', 'time / ideal', 'upstream calls', 'minimum calls', '429s'],
      rows,
    )}`
  } finally {
    await gateway.stop()
    await fake.stop()
  }
}
