import { builtinAdapters } from '../../adapters/index.ts'
import { runToExit } from '../helpers/server-process.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfigFile, resolveConfig } from '../../src/config/load.ts'
import { KEY, capturedLogger } from '../helpers/app.ts'

const production = { NODE_ENV: 'production' }
const config = (metrics?: Record<string, unknown>) => ({
  auth: { apiKeys: [KEY] },
  connections: { local: { adapter: 'memory' } },
  active: 'local',
  ...(metrics && { metrics }),
})

describe('who may read /metrics in production', () => {
  let app: FastifyInstance | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  it('refuses a config without metrics.token, naming the key, unless metrics.public says so', async () => {
    await expect(resolveConfig(config(), production, builtinAdapters)).rejects.toThrow('config: metrics.token: is not set: in production /metrics')
    await expect(resolveConfig(config({ token: '' }), production, builtinAdapters)).rejects.toThrow('metrics.token')
    expect((await resolveConfig(config({ token: 'scrape-token-7d1e4a' }), production, builtinAdapters)).metrics.token).toBe('scrape-token-7d1e4a')
    expect((await resolveConfig(config({ public: true }), production, builtinAdapters)).metrics.public).toBe(true)
    expect((await resolveConfig(config(), {}, builtinAdapters)).metrics).toEqual({ public: false })
  })

  it('refuses a reload that drops the token, and /metrics stays guarded', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'gateway-metrics-')), 'gateway.yaml')
    const yaml = (metrics: string) => `auth:\n  apiKeys: ${KEY}\nconnections:\n  local:\n    adapter: memory\nactive: local\n${metrics}`
    await writeFile(path, yaml('metrics:\n  token: scrape-token-7d1e4a\n'))
    const log = capturedLogger('info')
    app = await buildApp({ config: await loadConfigFile(path, production, builtinAdapters), logger: log.logger, reload: { path, env: production, registry: builtinAdapters } })
    await writeFile(path, yaml(''))
    expect(await app.reloadConfig('token dropped')).toBe(false)
    expect(log.lines.join('\n')).toContain('metrics.token')
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
  })

  it('stops the server at start, saying which key to set', async () => {
    const { code, stdout } = await runToExit({ PORT: '0', NODE_ENV: 'production', GATEWAY_CONFIG: 'config/default.yaml', GATEWAY_API_KEYS: KEY, GATEWAY_METRICS_TOKEN: '' })
    expect(code).toBe(1)
    expect(stdout).toContain('metrics.token: is not set')
  })
})
