import { KEY, load, ratio, table } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

/** Contract overhead: the gateway on the memory adapter vs a bare Fastify route doing the same JSON work. */
export async function contract(): Promise<string> {
  const gateway = await startServer('gateway', {
    BENCH_CONFIG: JSON.stringify({ auth: { apiKeys: KEY }, health: { intervalMs: 0 }, connections: { local: { adapter: 'memory' } }, active: 'local' }),
  })
  const bare = await startServer('bare')
  try {
    const headers = { 'x-api-key': KEY, 'content-type': 'application/json' }
    const created = await fetch(`${gateway.url}/tasks`, { method: 'POST', headers, body: JSON.stringify({ subject: 'Follow up' }) })
    const { id } = (await created.json()) as { id: string }
    const body = JSON.stringify({ subject: 'Follow up with John', type: 'call', dueDate: '2024-01-15T10:00:00Z' })
    const rows: (string | number)[][] = []
    for (const [name, path, method] of [
      ['GET one task', `/tasks/${id}`, 'GET'],
      ['POST a task', '/tasks', 'POST'],
    ] as const) {
      // Alternate the two servers and keep each one's best run: the machine is noisy.
      let best = { gateway: 0, bare: 0 }
      for (let round = 0; round < 2; round++) {
        const options = { method, headers, body: method === 'POST' ? body : undefined, seconds: 4 }
        const g = await load(`${gateway.url}${path}`, options)
        const b = await load(`${bare.url}${method === 'GET' ? '/tasks/x' : '/tasks'}`, options)
        best = { gateway: Math.max(best.gateway, g.rps), bare: Math.max(best.bare, b.rps) }
      }
      rows.push([name, Math.round(best.bare), Math.round(best.gateway), ratio(best.gateway / best.bare)])
    }
    return `### Contract overhead (memory adapter vs bare Fastify, 50 connections)\n\n${table(['request', 'bare Fastify req/s', 'gateway req/s', 'gateway / bare'], rows)}`
  } finally {
    await gateway.stop()
    await bare.stop()
  }
}
