import { HUBSPOT_TOKEN, hubspotConnection, KEY, latencies, median, ms, seed, table } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

const ROUNDS = 5

/** Proxy overhead: GET /tasks/:id through the HubSpot adapter vs the same read sent straight to the fake. */
export async function proxy(): Promise<string> {
  const fake = await startServer('fake')
  // Coalescing off: this measures what one proxied call costs, not what batching saves.
  const gateway = await startServer('gateway', { BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url, { coalesce: { enabled: false } })) })
  try {
    const [id] = await seed(fake.url, 1)
    const direct = `${fake.url}/crm/objects/2026-09/tasks/${id}?properties=hs_task_subject,hs_task_body,hs_task_status,hs_task_type,hs_timestamp,hubspot_owner_id,hs_task_completion_date&associations=contacts,companies`
    const through = `${gateway.url}/tasks/hubspot.${id}`
    // A warm-up of each, then rounds that alternate the two, so a noisy moment hits both alike;
    // each percentile is the median of the rounds' percentiles.
    await latencies(direct, { authorization: `Bearer ${HUBSPOT_TOKEN}` }, 4, 1)
    await latencies(through, { 'x-api-key': KEY }, 4, 1)
    const runs = { direct: [] as { p50: number; p99: number }[], gateway: [] as { p50: number; p99: number }[] }
    for (let round = 0; round < ROUNDS; round++) {
      runs.direct.push(await latencies(direct, { authorization: `Bearer ${HUBSPOT_TOKEN}` }, 4, 3))
      runs.gateway.push(await latencies(through, { 'x-api-key': KEY }, 4, 3))
    }
    const rows = (['p50', 'p99'] as const).map((q) => {
      const d = median(runs.direct.map((r) => r[q]))
      const g = median(runs.gateway.map((r) => r[q]))
      return [q, ms(d), ms(g), ms(g - d)]
    })
    return `### Proxy overhead (GET one task, HubSpot fake with no latency, 4 connections, median of ${ROUNDS} rounds of 3 s)\n\n${table(['latency', 'straight to the fake', 'through the gateway', 'added'], rows)}`
  } finally {
    await gateway.stop()
    await fake.stop()
  }
}
