import { KEY, fakeReset, fakeStats, hubspotConnection, json, table, totalCalls, seed } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

/** Coalescing: 200 concurrent single gets of one HubSpot connection, coalescing on vs off. */
export async function coalescing(): Promise<string> {
  const fake = await startServer('fake', { LATENCY_MS: '50' })
  const on = await startServer('gateway', { BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url, { concurrency: 8 })) })
  const off = await startServer('gateway', {
    BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url, { concurrency: 8, coalesce: { enabled: false } })),
  })
  try {
    const ids = await seed(fake.url, 200)
    const rows: (string | number)[][] = []
    for (const [name, gateway] of [
      ['off', off],
      ['on', on],
    ] as const) {
      await fakeReset(fake.url)
      const started = performance.now()
      const answers = await Promise.all(ids.map((id) => json(`${gateway.url}/tasks/hubspot.${id}`, 'GET', undefined, { 'x-api-key': KEY })))
      const took = performance.now() - started
      const stats = await fakeStats(fake.url)
      const taskReads = Object.entries(stats.byRoute)
        .filter(([route]) => route.startsWith('GET /crm/objects/2026-09/tasks') || route === 'POST /crm/objects/2026-09/tasks/batch/read')
        .reduce((sum, [, n]) => sum + n, 0)
      rows.push([name, answers.filter((a) => a.status === 200).length, taskReads, totalCalls(stats) - taskReads, totalCalls(stats), `${Math.round(took)} ms`])
    }
    return `### Coalescing (200 concurrent GET /tasks/:id, HubSpot fake with 50 ms per call, concurrency 8)\n\n${table(
      ['coalescing', 'answered 200', 'task reads', 'association reads', 'upstream calls', 'wall time'],
      rows,
    )}`
  } finally {
    await on.stop()
    await off.stop()
    await fake.stop()
  }
}
