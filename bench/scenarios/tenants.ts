import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Pool } from 'undici'
import { HUBSPOT_TOKEN, json, load, median, ms, ratio, table } from '../lib/helpers.ts'
import { type ServerProcess, startServer } from '../lib/process.ts'

const MANY = 10_000
const key = (tenant: number) => `bench-tenant-key-${String(tenant).padStart(6, '0')}`

/** `count` tenants, each with one key and a connection of its own; `extra` tenants added by a reload. */
function configOf(count: number, adapter: 'memory' | 'hubspot', extra = 0) {
  const connections: Record<string, unknown> = {}
  const tenants: Record<string, unknown> = {}
  for (let i = 0; i < count + extra; i++) {
    connections[`c${i}`] =
      adapter === 'memory' ? { adapter: 'memory' } : { adapter: 'hubspot', accessToken: `${HUBSPOT_TOKEN}-${i}`, baseUrl: 'http://127.0.0.1:9' }
    tenants[`t${i}`] = { apiKeys: [key(i)], active: `c${i}` }
  }
  return { health: { intervalMs: 0 }, connections, tenants }
}

async function gatewayWith(dir: string, name: string, config: unknown): Promise<{ gateway: ServerProcess; file: string }> {
  const file = join(dir, `${name}.yaml`)
  // JSON is YAML: the file is read by the gateway's own config loader.
  await writeFile(file, JSON.stringify(config))
  return { gateway: await startServer('gateway', { BENCH_CONFIG_FILE: file }), file }
}

/** A task of `tenant`, and the URL that reads it. */
async function taskUrl(gateway: ServerProcess, tenant: number): Promise<string> {
  const created = await json<{ id: string }>(`${gateway.url}/tasks`, 'POST', { subject: 'bench' }, { 'x-api-key': key(tenant) })
  if (created.status !== 201) throw new Error(`create answered ${created.status}`)
  return `${gateway.url}/tasks/${created.body.id}`
}

/**
 * GETs one after the other on one connection for `seconds`; `during` runs meanwhile. The longest
 * time between two answers is how long serving paused.
 */
async function longestGap(url: string, headers: Record<string, string>, seconds: number, during?: () => Promise<void>): Promise<number> {
  const pool = new Pool(new URL(url).origin, { connections: 1 })
  const path = new URL(url).pathname
  let last = performance.now()
  let longest = 0
  const end = last + seconds * 1000
  const probing = (async () => {
    while (performance.now() < end) {
      const res = await pool.request({ method: 'GET', path, headers })
      await res.body.dump()
      if (res.statusCode !== 200) throw new Error(`GET ${path} answered ${res.statusCode} during the reload`)
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
    }
  })()
  await during?.()
  await probing
  await pool.close()
  return longest
}

/**
 * Tenants: the cost of a request with 1 and with 10,000 tenants configured (one key and one
 * connection each; the key of a tenant in the middle), start-up and memory with 10,000 tenants
 * on HubSpot connections (the heaviest connection the gateway builds), and the longest pause in
 * serving while a reload of 10,000 tenants is applied.
 */
export async function tenants(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-tenants-'))
  try {
    const one = await gatewayWith(dir, 'one', configOf(1, 'memory'))
    const many = await gatewayWith(dir, 'many', configOf(MANY, 'memory'))
    const rows: (string | number)[][] = []
    try {
      const middle = MANY / 2
      const urls = { one: await taskUrl(one.gateway, 0), many: await taskUrl(many.gateway, middle) }
      const headers = { one: { 'x-api-key': key(0) }, many: { 'x-api-key': key(middle) } }
      // Alternated rounds, so that a noisy moment of the machine does not fall on one side only.
      const rps = { one: [] as number[], many: [] as number[] }
      for (let round = 0; round < 2; round++) {
        for (const side of ['one', 'many'] as const) {
          const result = await load(urls[side], { headers: headers[side], seconds: 5 })
          if (result.errors > 0) throw new Error(`${side}: ${result.errors} errors`)
          rps[side].push(result.rps)
        }
      }
      rows.push(['GET /tasks/:id, memory, 50 connections', `${median(rps.one).toFixed(0)} req/s`, `${median(rps.many).toFixed(0)} req/s`, ratio(median(rps.many) / median(rps.one))])
      rows.push(['gateway start-up (load config, build, listen), memory', ms(one.gateway.info.startMs as number), ms(many.gateway.info.startMs as number), ratio((many.gateway.info.startMs as number) / (one.gateway.info.startMs as number))])
      rows.push(['RSS after the load, memory', `${one.gateway.rssMiB().toFixed(0)} MiB`, `${many.gateway.rssMiB().toFixed(0)} MiB`, `${(((many.gateway.rssMiB() - one.gateway.rssMiB()) * 1024) / MANY).toFixed(1)} KiB per tenant`])

      const quiet = await longestGap(urls.many, headers.many, 3)
      let appliedMs = 0
      const reloading = await longestGap(urls.many, headers.many, 6, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1000))
        const written = performance.now()
        await writeFile(many.file, JSON.stringify(configOf(MANY, 'memory', 1)))
        // The reload is applied when the added tenant's key works.
        for (;;) {
          const res = await json(`${many.gateway.url}/health`, 'GET', undefined, { 'x-api-key': key(MANY) }).catch(() => ({ status: 0 }))
          if (res.status === 200) break
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
        appliedMs = performance.now() - written
      })
      rows.push(['longest pause in serving, no reload / during a reload of 10,000 tenants', ms(quiet), ms(reloading), `reload applied ${ms(appliedMs)} after the file changed`])
    } finally {
      await one.gateway.stop()
      await many.gateway.stop()
    }

    const hubspotOne = await gatewayWith(dir, 'hubspot-one', configOf(1, 'hubspot'))
    const hubspotMany = await gatewayWith(dir, 'hubspot-many', configOf(MANY, 'hubspot'))
    try {
      const [a, b] = [hubspotOne.gateway, hubspotMany.gateway]
      rows.push(['gateway start-up, HubSpot connections', ms(a.info.startMs as number), ms(b.info.startMs as number), ratio((b.info.startMs as number) / (a.info.startMs as number))])
      rows.push(['RSS at start, HubSpot connections', `${a.rssMiB().toFixed(0)} MiB`, `${b.rssMiB().toFixed(0)} MiB`, `${(((b.rssMiB() - a.rssMiB()) * 1024) / MANY).toFixed(1)} KiB per tenant`])
    } finally {
      await hubspotOne.gateway.stop()
      await hubspotMany.gateway.stop()
    }
    return `### Tenants (1 vs ${MANY.toLocaleString('en')} tenants, one key and one connection each)\n\n${table(['measure', '1 tenant', `${MANY.toLocaleString('en')} tenants`, 'ratio'], rows)}`
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
