import { Client } from '@hubspot/api-client'
import { fakeReset, fakeStats, HUBSPOT_TOKEN, hubspotConnection, json, KEY, median, seed, table, totalCalls } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

const PROPERTIES = ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_task_type', 'hs_timestamp', 'hubspot_owner_id', 'hs_task_completion_date']
const ROUNDS = 20


/**
 * Peer: the same batch read of 100 tasks done with HubSpot's official Node SDK pointed at the
 * fake, vs through the gateway. The SDK's batch read does not return associations, so it is
 * measured alone and with the two association reads that give the same answer as the gateway:
 * after the task read (for the tasks it found), and at the same time as it, as the gateway does.
 */
export async function peer(): Promise<string> {
  // The official SDK (13.x) still calls the legacy v3/v4 paths; the gateway calls the dated ones.
  const fake = await startServer('fake', { LATENCY_MS: '20', LEGACY: '1' })
  const gateway = await startServer('gateway', { BENCH_CONFIG: JSON.stringify(hubspotConnection(fake.url)) })
  try {
    const ids = await seed(fake.url, 100)
    const inputs = ids.map((id) => ({ id }))
    const sdk = new Client({ accessToken: HUBSPOT_TOKEN, basePath: fake.url })
    const variants: [string, () => Promise<number>][] = [
      ['official SDK: tasks only', async () => (await sdk.crm.objects.tasks.batchApi.read({ inputs, properties: PROPERTIES, propertiesWithHistory: [] })).results.length],
      [
        'official SDK: tasks, then the associations of those found',
        async () => {
          const tasks = await sdk.crm.objects.tasks.batchApi.read({ inputs, properties: PROPERTIES, propertiesWithHistory: [] })
          const found = tasks.results.map((task) => ({ id: task.id }))
          await Promise.all([
            sdk.crm.associations.v4.batchApi.getPage('tasks', 'contacts', { inputs: found }),
            sdk.crm.associations.v4.batchApi.getPage('tasks', 'companies', { inputs: found }),
          ])
          return tasks.results.length
        },
      ],
      [
        'official SDK: tasks and associations at once',
        async () => {
          const [tasks] = await Promise.all([
            sdk.crm.objects.tasks.batchApi.read({ inputs, properties: PROPERTIES, propertiesWithHistory: [] }),
            sdk.crm.associations.v4.batchApi.getPage('tasks', 'contacts', { inputs }),
            sdk.crm.associations.v4.batchApi.getPage('tasks', 'companies', { inputs }),
          ])
          return tasks.results.length
        },
      ],
      [
        'gateway: POST /tasks/batch',
        async () => (await json<unknown[]>(`${gateway.url}/tasks/batch`, 'POST', { ids: ids.map((id) => `hubspot.${id}`) }, { 'x-api-key': KEY })).body.length,
      ],
    ]
    const rows: (string | number)[][] = []
    for (const [name, run] of variants) {
      await run()
      await fakeReset(fake.url)
      const times: number[] = []
      let found = 0
      for (let i = 0; i < ROUNDS; i++) {
        const started = performance.now()
        found = await run()
        times.push(performance.now() - started)
      }
      const stats = await fakeStats(fake.url)
      rows.push([name, found, `${median(times).toFixed(1)} ms`, totalCalls(stats) / ROUNDS])
    }
    return `### Peer (a batch read of 100 tasks, HubSpot fake with 20 ms per call, median of ${ROUNDS})\n\n${table(['client', 'tasks', 'time', 'upstream calls per read'], rows)}`
  } finally {
    await gateway.stop()
    await fake.stop()
  }
}
