import { builtinAdapters } from '../../adapters/index.ts'
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { ensureApiKeys } from '../../src/config/api-keys.ts'
import { loadConfigFile } from '../../src/config/load.ts'
import { KEY, capturedLogger, headers } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'

const METRICS_TOKEN = 'metrics-token-0123456789'

const config = ({ keys = KEY, active = 'blue', extra = '', auth = '' } = {}) => `
auth:
  apiKeys: ${keys}
${auth}health:
  intervalMs: 0
connections:
  blue:
    adapter: memory
  green:
    adapter: memory
active: ${active}
${extra}`

const metrics = `metrics:\n  token: ${METRICS_TOKEN}\n`

describe('what a reload applies, and what it refuses', () => {
  let app: FastifyInstance
  let path: string
  let log: ReturnType<typeof capturedLogger>

  const start = async (text: string, env: NodeJS.ProcessEnv = {}) => {
    log = capturedLogger('info')
    path = join(await mkdtemp(join(tmpdir(), 'gateway-reload-rules-')), 'gateway.yaml')
    await writeFile(path, text)
    const loaded = ensureApiKeys(await loadConfigFile(path, env, builtinAdapters), log.logger)
    app = await buildApp({ config: loaded, logger: log.logger, reload: { path, env, registry: builtinAdapters } })
  }
  const lines = () => log.lines.map((line) => JSON.parse(line))
  const rejection = () => lines().findLast((line) => line.msg.startsWith('config reload rejected'))
  const create = (key = KEY) =>
    app.inject({ method: 'POST', url: '/tasks', headers: { ...headers, 'x-api-key': key }, payload: { subject: 'still serving' } })
  /** Writes `text` over the config and reloads it, as SIGHUP does. */
  const reloadWith = async (text: string) => {
    await writeFile(path, text)
    return app.reloadConfig('test')
  }
  afterEach(() => app?.close())

  it('refuses, in production, a reload that revokes every key, saying why; the old key keeps working', async () => {
    const production = { NODE_ENV: 'production' }
    await start(config({ extra: metrics }), production)
    const version = app.gateway.current.runtime.version
    expect(await reloadWith(config({ keys: '[]', active: 'green', extra: metrics }))).toBe(false)
    expect(rejection().error).toContain('auth.apiKeys: no API key is configured')
    expect(rejection().error).toContain('to revoke the keys in force, configure new ones')
    expect(app.gateway.current.runtime.version).toBe(version)
    const res = await create()
    expect(res.statusCode).toBe(201)
    expect(res.json().id.startsWith('blue.')).toBe(true)
  })

  it('outside production, applies a reload that removes the configured key: the key stops working and a generated one, logged once, serves', async () => {
    await start(config())
    expect(await reloadWith(config({ keys: '[]' }))).toBe(true)
    expect((await create()).statusCode).toBe(401)
    const generated = lines().filter((line) => line.generatedApiKey)
    expect(generated).toHaveLength(1)
    expect((await create(generated[0].generatedApiKey)).statusCode).toBe(201)
    // The next reload of a file without a key keeps the generated one rather than making another.
    expect(await reloadWith(config({ keys: '[]', active: 'green' }))).toBe(true)
    expect(lines().filter((line) => line.generatedApiKey)).toHaveLength(1)
    expect((await create(generated[0].generatedApiKey)).json().id.startsWith('green.')).toBe(true)
  })

  it('refuses a reload with no tenant and no connection, which would answer 401 to every key', async () => {
    await start(config())
    expect(await reloadWith('tenants: {}\nconnections: {}\n')).toBe(false)
    expect(rejection().error).toContain('tenants: no tenant is configured, so every request would get 401')
    expect((await create()).statusCode).toBe(201)
  })

  it('refuses, in production, a reload that brings a key shorter than 16 characters, naming its place and not the key', async () => {
    await start(config({ extra: metrics }), { NODE_ENV: 'production' })
    expect(await reloadWith(config({ keys: `${KEY},tiny-key`, extra: metrics }))).toBe(false)
    const line = rejection()
    expect(line.problems).toEqual([{ key: 'auth.apiKeys[1]', problem: expect.stringContaining('is shorter than 16 characters') }])
    expect(JSON.stringify(log.lines)).not.toContain('tiny-key')
    expect((await create('tiny-key')).statusCode).toBe(401)
    expect((await create()).statusCode).toBe(201)
  })

  it('names every problem of a refused file in its log line, each with its key', async () => {
    await start(config())
    const typos = config({ extra: 'limits:\n  maxBatchIdz: 10\nhealth:\n  intervalMS: 5\n' }).replace('health:\n  intervalMs: 0\n', '')
    expect(await reloadWith(typos)).toBe(false)
    const line = rejection()
    expect(line.problems).toEqual([
      { key: 'limits.maxBatchIdz', problem: 'is not a known key' },
      { key: 'health.intervalMS', problem: 'is not a known key' },
    ])
    expect(line.error).toBe('config: 2 problems: limits.maxBatchIdz: is not a known key; health.intervalMS: is not a known key')
  })

  it('refuses a reload that changes coordination, which only a restart applies', async () => {
    await start(config())
    expect(await reloadWith(config({ extra: 'coordination:\n  redis:\n    url: redis://127.0.0.1:1\n' }))).toBe(false)
    expect(rejection().error).toContain('coordination: changes only at a restart')
    expect(app.gateway.current.runtime.config.coordination).toBeUndefined()
  })

  it('refuses a reload that changes trustProxy, which the HTTP server reads once', async () => {
    await start(config())
    expect(await reloadWith(config({ extra: 'trustProxy: [10.0.0.0/8]\n' }))).toBe(false)
    expect(rejection().error).toContain('trustProxy: changes only at a restart')
    expect(app.gateway.current.runtime.config.trustProxy).toEqual([])
  })

  it('puts changed auth.failures in force, holding the failures already counted to it', async () => {
    await start(config())
    const guess = () => app.inject({ method: 'GET', url: '/health', headers: { 'x-api-key': 'wrong-key-0123456789' } })
    for (let i = 0; i < 5; i++) expect((await guess()).statusCode).toBe(401)
    expect(await reloadWith(config({ auth: '  failures:\n    burst: 5\n    perMinute: 1\n' }))).toBe(true)
    const throttled = await guess()
    expect(throttled.statusCode).toBe(429)
    // One failure over the new burst, draining at one a minute: about 60 s.
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(30)
  })

  it('refuses a reload that changes the adapter of a connection that stays, naming it and the way to do it; its ids keep answering', async () => {
    await start(config())
    const task = (await create()).json()
    const contact = (await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts: [{ externalId: 'L-1' }] } })).json().results[0]
    const version = app.gateway.current.runtime.version
    const sql = config().replace('  blue:\n    adapter: memory\n', `  blue:\n    adapter: sql\n    file: ${join(dirname(path), 'blue.sqlite')}\n`)
    expect(await reloadWith(sql)).toBe(false)
    expect(rejection().problems).toEqual([
      {
        key: 'connections.blue.adapter',
        problem:
          'changes from memory to sql, and every id connection "blue" issued would answer "not found"; keep it as it is, add a new ' +
          'connection with adapter sql, and make it the tenant\'s active one (the ids of "blue" keep working while it stays configured)',
      },
    ])
    expect(app.gateway.current.runtime.version, 'the config in force stays').toBe(version)
    expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
    const found = await app.inject({ method: 'POST', url: '/contacts/sync', headers, payload: { contacts: [{ externalId: 'L-1' }] } })
    expect(found.json().results).toMatchObject([{ crmId: contact.crmId }])
    // The way it names: a new connection, made active; the old one's ids go on answering.
    const added = `${config({ active: 'purple' })}`.replace('connections:\n', `connections:\n  purple:\n    adapter: sql\n    file: ${join(dirname(path), 'purple.sqlite')}\n`)
    expect(await reloadWith(added)).toBe(true)
    expect((await create()).json().id.startsWith('purple.')).toBe(true)
    expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
  })

  it('puts a changed body limit in force: lowered, a body over it is a 413; raised past the start value, a larger body passes', async () => {
    await start(config({ extra: 'limits:\n  bodyLimitBytes: 30000\n' }))
    const post = (bytes: number, chunked = false) => {
      const payload = JSON.stringify({ subject: 'sized', description: 'x'.repeat(bytes) })
      return chunked
        ? app.inject({ method: 'POST', url: '/tasks', headers: { ...headers, 'transfer-encoding': 'chunked' }, payload: Readable.from([payload]) })
        : app.inject({ method: 'POST', url: '/tasks', headers, payload })
    }
    expect((await post(20_000)).statusCode).toBe(201)
    expect(await reloadWith(config({ extra: 'limits:\n  bodyLimitBytes: 10000\n' }))).toBe(true)
    const large = await post(20_000)
    expect(large.statusCode).toBe(413)
    expect(large.json()).toMatchObject({ statusCode: 413, code: 'BODY_TOO_LARGE', message: 'the body is larger than limits.bodyLimitBytes (10000 bytes)' })
    expect((await post(20_000, true)).statusCode, 'a chunked body, which declares no length').toBe(413)
    expect((await post(5_000, true)).statusCode).toBe(201)
    expect(await reloadWith(config({ extra: 'limits:\n  bodyLimitBytes: 200000\n' }))).toBe(true)
    expect((await post(60_000)).statusCode).toBe(201)
  })

  it('puts a changed request timeout in force on the listening server, sockets included', async () => {
    await start(config({ extra: 'limits:\n  requestTimeoutMs: 15000\n' }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    expect(app.server.requestTimeout).toBe(16_000)
    expect(await reloadWith(config({ extra: 'limits:\n  requestTimeoutMs: 2000\n' }))).toBe(true)
    expect(app.server.requestTimeout, 'a body must arrive whole within the new deadline').toBe(3_000)
    expect(app.server.headersTimeout).toBe(3_000)
  })

  it('applies a file written in two steps 300 ms apart once, whole: /metrics never opens in between', async () => {
    await start(config({ extra: metrics }))
    const version = app.gateway.current.runtime.version
    const seen: number[] = []
    let watching = true
    const watch = (async () => {
      while (watching) {
        seen.push((await app.inject({ method: 'GET', url: '/metrics' })).statusCode)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    // The first step alone is a valid config, with no metrics token.
    await writeFile(path, config({ active: 'green' }))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await appendFile(path, metrics)
    await waitFor(() => app.gateway.current.runtime.config.tenants[0]!.active === 'green')
    watching = false
    await watch
    expect(app.gateway.current.runtime.version).toBe(version + 1)
    expect(app.gateway.current.runtime.config.metrics.token).toBe(METRICS_TOKEN)
    expect(seen.length).toBeGreaterThan(0)
    // Closed throughout: 401, and 429 once the polls have failed more often than auth.failures allows.
    expect(seen.filter((status) => status !== 401 && status !== 429)).toEqual([])
  })
})
