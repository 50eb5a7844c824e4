import { KEY, load, ratio, table } from '../lib/helpers.ts'
import { startServer } from '../lib/process.ts'

/**
 * Contract overhead: the gateway on the memory adapter vs a bare Fastify route doing the same
 * JSON work, and vs the same route on Fastify set up as the gateway sets it up. Both gateways'
 * ratios are for the gateway logging nothing, as the baselines do; a column shows it writing its
 * production log, and the last ones it making a span per request and exporting them over OTLP.
 */
export async function contract(): Promise<string> {
  const config = JSON.stringify({ auth: { apiKeys: KEY }, health: { intervalMs: 0 }, connections: { local: { adapter: 'memory' } }, active: 'local' })
  const gateway = await startServer('gateway', { BENCH_CONFIG: config })
  // The same gateway writing its production log (one line per request at info), to /dev/null.
  const logging = await startServer('gateway', { BENCH_CONFIG: config, BENCH_LOG_LEVEL: 'info' })
  // The same gateway exporting a span per request, over OTLP/HTTP protobuf, to a collector that discards them.
  const sink = await startServer('otlp-sink')
  const tracing = await startServer('gateway', { BENCH_CONFIG: config, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url })
  const bare = await startServer('bare')
  const setUp = await startServer('bare', { BARE_SETUP: 'gateway' })
  try {
    const headers = { 'x-api-key': KEY, 'content-type': 'application/json' }
    const create = async (url: string) => {
      const created = await fetch(`${url}/tasks`, { method: 'POST', headers, body: JSON.stringify({ subject: 'Follow up' }) })
      return ((await created.json()) as { id: string }).id
    }
    const ids = { gateway: await create(gateway.url), logging: await create(logging.url), tracing: await create(tracing.url) }
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
        tracing: `${tracing.url}${path(ids.tracing)}`,
      }
      for (const url of Object.values(targets)) await load(url, { ...options, seconds: 1 })
      const best = { bare: 0, setUp: 0, gateway: 0, logging: 0, tracing: 0 }
      // CPU time per request, of the two gateways told apart only by tracing: the machine is
      // shared, and a process's own CPU time moves less with what else runs than its req/s does.
      const cpu = { gateway: Number.POSITIVE_INFINITY, tracing: Number.POSITIVE_INFINITY }
      const measured = { gateway, tracing }
      for (let round = 0; round < 2; round++) {
        for (const [server, url] of Object.entries(targets) as [keyof typeof best, string][]) {
          const counted = server === 'gateway' || server === 'tracing' ? server : undefined
          const before = counted ? measured[counted].cpuMs() : 0
          const run = await load(url, { ...options, seconds: 4 })
          best[server] = Math.max(best[server], run.rps)
          if (counted) cpu[counted] = Math.min(cpu[counted], ((measured[counted].cpuMs() - before) * 1000) / run.total)
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
        Math.round(best.tracing),
        ratio(best.tracing / best.gateway),
        `${Math.round(cpu.gateway)} / ${Math.round(cpu.tracing)} µs`,
      ])
    }
    // Every request the tracing gateway answered made a span, this read of its metrics included;
    // the last batch leaves on the export timer (5 s).
    const metrics = await (await fetch(`${tracing.url}/metrics`)).text()
    const traced = 1 + [...metrics.matchAll(/^gateway_http_requests_total\{.*\} (\d+)$/gm)].reduce((sum, [, count]) => sum + Number(count), 0)
    await new Promise((resolve) => setTimeout(resolve, 6000))
    const { spans } = (await (await fetch(`${sink.url}/__stats`)).json()) as { spans: number }
    if (spans === 0) throw new Error('the tracing gateway exported no span')
    return `### Contract overhead (memory adapter vs bare Fastify, 50 connections)\n\n${table(
      [
        'request',
        'bare Fastify req/s',
        "Fastify with the gateway's setup req/s",
        'gateway req/s',
        'gateway / bare',
        'gateway / setup',
        'gateway logging at info req/s',
        'gateway tracing req/s',
        'tracing / gateway',
        'CPU per request, gateway / tracing',
      ],
      rows,
    )}\n\nThe tracing gateway made ${traced} spans, one per request, and exported ${spans} over OTLP/HTTP protobuf to a collector that discards them${
      spans < traced ? `; the SDK's batch queue dropped the other ${traced - spans} (it holds 2,048 spans, \`OTEL_BSP_MAX_QUEUE_SIZE\`)` : ''
    }.`
  } finally {
    await gateway.stop()
    await bare.stop()
    await setUp.stop()
    await logging.stop()
    await tracing.stop()
    await sink.stop()
  }
}
