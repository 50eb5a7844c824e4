import { HUBSPOT_TOKEN, KEY, hubspotConnection, load, ms, seed, table } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

/** Proxy overhead: GET /tasks/:id through the HubSpot adapter vs the same read sent straight to the fake. */
export async function proxy(): Promise<string> {
  const fake = await startServer('fake')
  // Coalescing off: this measures what one proxied call costs, not what batching saves.
  const gateway = await startServer('gateway', { BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url, { coalesce: { enabled: false } })) })
  try {
    const [id] = await seed(fake.url, 1)
    const direct = `${fake.url}/crm/v3/objects/tasks/${id}?properties=hs_task_subject,hs_task_body,hs_task_status,hs_task_type,hs_timestamp,hubspot_owner_id,hs_task_completion_date&associations=contacts,companies`
    const rows: string[][] = []
    let best = { direct: { p50: Number.POSITIVE_INFINITY, p99: Number.POSITIVE_INFINITY }, gateway: { p50: Number.POSITIVE_INFINITY, p99: Number.POSITIVE_INFINITY } }
    for (let round = 0; round < 2; round++) {
      const d = await load(direct, { headers: { authorization: `Bearer ${HUBSPOT_TOKEN}` }, connections: 4, seconds: 4 })
      const g = await load(`${gateway.url}/tasks/hubspot.${id}`, { headers: { 'x-api-key': KEY }, connections: 4, seconds: 4 })
      best = {
        direct: { p50: Math.min(best.direct.p50, d.p50), p99: Math.min(best.direct.p99, d.p99) },
        gateway: { p50: Math.min(best.gateway.p50, g.p50), p99: Math.min(best.gateway.p99, g.p99) },
      }
    }
    rows.push(['p50', ms(best.direct.p50), ms(best.gateway.p50), ms(best.gateway.p50 - best.direct.p50)])
    rows.push(['p99', ms(best.direct.p99), ms(best.gateway.p99), ms(best.gateway.p99 - best.direct.p99)])
    return `### Proxy overhead (GET one task, HubSpot fake with no latency, 4 connections)\n\n${table(['latency', 'straight to the fake', 'through the gateway', 'added'], rows)}`
  } finally {
    await gateway.stop()
    await fake.stop()
  }
}
