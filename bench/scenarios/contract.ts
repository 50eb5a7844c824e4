import { KEY, load, ratio, table } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

/**
 * Contract overhead: the gateway on the memory adapter vs a bare Fastify route doing the same
 * JSON work, and vs the same route on Fastify set up as the gateway sets it up. Both gateways'
 * ratios are for the gateway logging nothing, as the baselines do; a last column shows it
 * writing its production log.
 */
export async function contract(): Promise<string> {
  const config = JSON.stringify({ auth: { apiKeys: KEY }, health: { intervalMs: 0 }, connections: { local: { adapter: 'memory' } }, active: 'local' })
  const gateway = await startServer('gateway', { BENCH_CONFIG: config })
  // The same gateway writing its production log (one line per request at info), to /dev/null.
  const logging = await startServer('gateway', { BENCH_CONFIG: config, BENCH_LOG_LEVEL: 'info' })
  const bare = await startServer('bare')
  const setUp = await startServer('bare', { BARE_SETUP: 'gateway' })
  try {
    const headers = { 'x-api-key': KEY, 'content-type': 'application/json' }
    const create = async (url: string) => {
      const created = await fetch(`${url}/tasks`, { method: 'POST', headers, body: JSON.stringify({ subject: 'Follow up' }) })
      return ((await created.json()) as { id: string }).id
    }
    const ids = { gateway: await create(gateway.url), logging: await create(logging.url) }
    const body = JSON.stringify({ subject: 'Follow up with John', type: 'call', dueDate: '2024-01-15T10:00:00Z' })
    const rows: (string | number)[][] = []
    for (const [name, method] of [
      ['GET one task', 'GET'],
      ['POST a task', 'POST'],
    ] as const) {
      // A warm-up of each, then the servers alternate and each keeps its best run: the
      // machine is noisy, and the load generator shares its two cores with the server.
      const options = { method, headers, body: method === 'POST' ? body : undefined }
      const path = (id: string) => (method === 'GET' ? `/tasks/${id}` : '/tasks')
      const targets = {
        bare: `${bare.url}${path('x')}`,
        setUp: `${setUp.url}${path('x')}`,
        gateway: `${gateway.url}${path(ids.gateway)}`,
        logging: `${logging.url}${path(ids.logging)}`,
      }
      for (const url of Object.values(targets)) await load(url, { ...options, seconds: 1 })
      const best = { bare: 0, setUp: 0, gateway: 0, logging: 0 }
      for (let round = 0; round < 2; round++) {
        for (const [server, url] of Object.entries(targets) as [keyof typeof best, string][]) {
          best[server] = Math.max(best[server], (await load(url, { ...options, seconds: 4 })).rps)
        }
      }
      rows.push([
        name,
        Math.round(best.bare),
        Math.round(best.setUp),
        Math.round(best.gateway),
        ratio(best.gateway / best.bare),
        ratio(best.gateway / best.setUp),
        Math.round(best.logging),
      ])
    }
    return `### Contract overhead (memory adapter vs bare Fastify, 50 connections)\n\n${table(
      ['request', 'bare Fastify req/s', "Fastify with the gateway's setup req/s", 'gateway req/s', 'gateway / bare', 'gateway / setup', 'gateway logging at info req/s'],
      rows,
    )}`
  } finally {
    await gateway.stop()
    await bare.stop()
    await setUp.stop()
    await logging.stop()
  }
}
