import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from './fakes/hubspot.ts'
import { type ServerProcess, startServer } from './helpers/server-process.ts'
import { waitFor } from './helpers/wait.ts'

describe('the server process', () => {
  let server: ServerProcess | undefined
  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it('starts on the default config with a generated key that it logs once, and serves with it', async () => {
    server = await startServer({ GATEWAY_API_KEYS: '' })
    const generated = server.lines.filter((line) => line.generatedApiKey)
    expect(generated).toHaveLength(1)
    const key = String(generated[0]!.generatedApiKey)
    const res = await request(`${server.base}/tasks`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Test task', description: 'Testing integration' }),
    })
    expect(res.statusCode).toBe(201)
    expect(((await res.body.json()) as { id: string }).id).toMatch(/^local\./)
  })

  it('refuses to start in production without an API key, and says why', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: '0', NODE_ENV: 'production', GATEWAY_API_KEYS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(output).toContain('no API key is configured; set GATEWAY_API_KEYS')
  })

  it('reloads its config on SIGHUP, and on SIGTERM finishes the request in flight before it exits', async () => {
    const hubspot = await HubSpotFake.start()
    const healthy = hubspot.http.handler
    const dir = await mkdtemp(join(tmpdir(), 'gateway-server-'))
    const path = join(dir, 'gateway.yaml')
    const yaml = (concurrency: number) =>
      `auth:\n  apiKeys: server-key\nconnections:\n  hubspot:\n    adapter: hubspot\n    accessToken: \${HUBSPOT_ACCESS_TOKEN}\n    baseUrl: ${hubspot.url}\n    concurrency: ${concurrency}\nactive: hubspot\n`
    await writeFile(path, yaml(4))
    try {
      server = await startServer({ GATEWAY_CONFIG: path, HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN })
      server.child.kill('SIGHUP')
      await waitFor(() => server!.lines.some((line) => line.msg === 'config reloaded' && line.reason === 'SIGHUP'))

      hubspot.http.handler = async (seen) => {
        await new Promise((resolve) => setTimeout(resolve, 800))
        return healthy(seen)
      }
      const inFlight = request(`${server.base}/tasks`, {
        method: 'POST',
        headers: { 'x-api-key': 'server-key', 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'finish me' }),
      })
      await waitFor(() => hubspot.http.count('POST', '/crm/objects/2026-09/tasks') > 0)
      server.child.kill('SIGTERM')
      const res = await inFlight
      expect(res.statusCode).toBe(201)
      expect(((await res.body.json()) as { subject: string }).subject).toBe('finish me')
      expect(res.headers.connection).toBe('close')
      expect(await server.exited).toBe(0)
      expect(server.lines.some((line) => line.msg === 'stopped')).toBe(true)
      expect(JSON.stringify(server.lines)).not.toContain(HUBSPOT_TOKEN)
    } finally {
      await hubspot.close()
    }
  })
})
