import { builtinAdapters } from '../../adapters/index.ts'
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfigFile } from '../../src/config/load.ts'

const run = promisify(execFile)
const DIGEST = /@sha256:[0-9a-f]{64}$/

/** `docker compose`, or the older `docker-compose`: whichever is installed, for `config`, which needs no engine. */
function composeCommand(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    try {
      execFileSync(command[0]!, [...command.slice(1), 'version'], { stdio: 'ignore' })
      return command
    } catch {}
  }
  return undefined
}
const COMPOSE = composeCommand()

describe('the container files', () => {
  it('pin every base image by digest', () => {
    const from = readFileSync('Dockerfile', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('FROM '))
      .map((line) => line.split(/\s+/)[1]!)
    expect(from.length).toBeGreaterThan(0)
    for (const image of from) expect(image, image).toMatch(/^node:22-bookworm-slim@sha256:[0-9a-f]{64}$/)
    const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as { services: Record<string, { image?: string; build?: string }> }
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image) expect(service.image, name).toMatch(DIGEST)
      else expect(service.build, `${name} is built from the Dockerfile`).toBe('.')
    }
  })

  it("give the replicas a config the gateway starts with in production, Redis shared by two", async () => {
    const env = {
      NODE_ENV: 'production',
      GATEWAY_API_KEYS: 'compose-demo-key-0123456789',
      GATEWAY_METRICS_TOKEN: 'compose-demo-metrics-token',
      DATABASE_URL: 'postgres://enginy:enginy@postgres:5432/crm',
      REDIS_URL: 'redis://redis:6379',
    }
    const config = await loadConfigFile('config/compose.yaml', env, builtinAdapters)
    expect(config.coordination?.redis).toMatchObject({ url: 'redis://redis:6379', replicas: 2 })
    expect(config.connections.get('own')?.core.adapter).toBe('sql')
    const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string> }> }
    const replicas = Object.values(compose.services).filter((service) => service.environment?.GATEWAY_CONFIG === 'config/compose.yaml')
    expect(replicas).toHaveLength(2)
  })

  // Docker's CLI may be here without an engine: `config` only reads and checks the file.
  it('parse as Docker Compose reads them', async (context) => {
    if (!COMPOSE) return context.skip('neither `docker compose` nor `docker-compose` is installed: compose.yaml is not checked by Compose itself')
    const { stdout } = await run(COMPOSE[0]!, [...COMPOSE.slice(1), '-f', 'compose.yaml', 'config'], { timeout: 60_000 })
    const resolved = parse(stdout) as { services: Record<string, { image?: string; environment?: Record<string, string> }> }
    expect(Object.keys(resolved.services).sort()).toEqual(['gateway-1', 'gateway-2', 'postgres', 'redis'])
    expect(resolved.services['gateway-2']!.environment!.REDIS_URL).toBe('redis://redis:6379')
  })
})
