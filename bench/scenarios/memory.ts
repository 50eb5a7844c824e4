import { KEY, hubspotConnection, json, seed, table } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

/** Memory: peak RSS of the gateway process while it serves one batch get of 10,000 ids. */
export async function memory(): Promise<string> {
  const fake = await startServer('fake')
  const gateway = await startServer('gateway', { BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url, { concurrency: 8 })) })
  try {
    const ids = (await seed(fake.url, 10_000)).map((id) => `hubspot.${id}`)
    await json(`${gateway.url}/tasks/batch`, 'POST', { ids: ids.slice(0, 10) }, { 'x-api-key': KEY })
    const idle = gateway.peakRssMiB()
    const res = await json<unknown[]>(`${gateway.url}/tasks/batch`, 'POST', { ids }, { 'x-api-key': KEY })
    const peak = gateway.peakRssMiB()
    return `### Memory (one batch get of 10,000 ids through the HubSpot adapter)\n\n${table(
      ['answer', 'peak RSS before', 'peak RSS after', 'added'],
      [[`${res.status}, ${res.body.length} tasks`, `${idle.toFixed(0)} MiB`, `${peak.toFixed(0)} MiB`, `${(peak - idle).toFixed(0)} MiB`]],
    )}`
  } finally {
    await gateway.stop()
    await fake.stop()
  }
}
