import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { type AddressInfo, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../adapters/hubspot/fake/hubspot.ts'
import { OtlpReceiver } from './helpers/otlp-receiver.ts'
import { NPM_START, runToExit, type ServerProcess, startServer } from './helpers/server-process.ts'
import { waitFor } from './helpers/wait.ts'

describe('the server process', () => {
  let server: ServerProcess | undefined
  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it('starts on the default config with a generated key (and link token) that it logs once, and serves with it', async () => {
    server = await startServer({ GATEWAY_API_KEYS: '', GATEWAY_LINK_TOKENS: '' })
    const generated = server.lines.filter((line) => line.generatedApiKey)
    expect(generated).toHaveLength(1)
    const linkToken = server.lines.filter((line) => line.generatedLinkToken)
    expect(linkToken).toHaveLength(1)
    expect(String(linkToken[0]!.companyLinkTemplate)).toBe(`https://<gateway>/links/${String(linkToken[0]!.generatedLinkToken)}/companies/{{crmId}}`)
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
    const { code, stdout } = await runToExit({ PORT: '0', NODE_ENV: 'production' })
    expect(code).toBe(1)
    expect(stdout).toContain('no API key is configured; set GATEWAY_API_KEYS')
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

/** Whether any process of the group led by `pgid` is left. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves with the error code of a connection attempt to `base`, or 'connected'. */
function tryConnect(base: string): Promise<string> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

describe('npm start', () => {
  let server: ServerProcess | undefined
  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it('is the server itself: SIGTERM to npm, as a supervisor sends it, stops the server and leaves nothing running', async () => {
    server = await startServer({ GATEWAY_API_KEYS: 'npm-key' }, NPM_START)
    expect(await tryConnect(server.base)).toBe('connected')
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.lines.filter((line) => line.msg === 'stopped')).toHaveLength(1)
    await waitFor(() => !groupAlive(server!.child.pid!))
    expect(await tryConnect(server.base)).toBe('ECONNREFUSED')
  })

  it('stops gracefully on Ctrl-C, which reaches npm and the server both', async () => {
    server = await startServer({ GATEWAY_API_KEYS: 'npm-key' }, NPM_START)
    process.kill(-server.child.pid!, 'SIGINT')
    expect(await server.exited).toBe(0)
    expect(server.lines.filter((line) => line.msg === 'stopped')).toHaveLength(1)
    await waitFor(() => !groupAlive(server!.child.pid!))
  })
})

describe('a bad environment', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number 0-65535, got "abc"'],
    [{ PORT: '65536' }, 'PORT must be a port number 0-65535, got "65536"'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    [{ SHUTDOWN_TIMEOUT_MS: '30s' }, 'SHUTDOWN_TIMEOUT_MS must be a number of milliseconds 0-2147483647, got "30s"'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: the gateway exports OTLP over HTTP; set http/protobuf or http/json, and the collector's OTLP/HTTP endpoint (port 4318 by default)",
    ],
  ])('%o stops the start with one line naming the variable, before anything is logged', async (env, line) => {
    const { code, stdout, stderr } = await runToExit({ PORT: '0', ...env })
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: `${line}\n` })
  })

  it('names every bad variable at once', async () => {
    const { code, stderr } = await runToExit({ PORT: 'abc', LOG_LEVEL: 'verbose' })
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n').map((line) => line.split(' ')[0])).toEqual(['PORT', 'LOG_LEVEL'])
  })

  it('a port in use stops the start with one line, before the config is loaded or a key generated', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const { port } = holder.address() as AddressInfo
    try {
      const { code, stdout, stderr } = await runToExit({ PORT: String(port) })
      expect({ code, stdout, stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr: `PORT ${port} is already in use on 127.0.0.1: stop the process listening there or choose another PORT\n`,
      })
    } finally {
      await new Promise((resolve) => holder.close(resolve))
    }
  })
})

describe('traces', () => {
  let server: ServerProcess | undefined
  let receiver: OtlpReceiver | undefined
  afterEach(async () => {
    await server?.stop()
    await receiver?.close()
    server = receiver = undefined
  })

  /** The gateway with every module it imports recorded; `imported` reads the list once it has exited. */
  const startRecorded = async (env: Record<string, string>) => {
    const record = join(await mkdtemp(join(tmpdir(), 'gateway-imports-')), 'imports.json')
    server = await startServer({ GATEWAY_API_KEYS: 'trace-key', RECORD_IMPORTS: record, ...env }, [
      process.execPath,
      '--import',
      'tsx',
      '--import',
      './test/helpers/record-imports.mjs',
      'src/server.ts',
    ])
    const created = await request(`${server.base}/tasks`, {
      method: 'POST',
      headers: { 'x-api-key': 'trace-key', 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'traced or not' }),
    })
    expect(created.statusCode).toBe(201)
    await created.body.dump()
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    const imported = JSON.parse(await readFile(record, 'utf8')) as string[]
    return { lines: server.lines, openTelemetry: imported.filter((url) => url.includes('/@opentelemetry/') || url.endsWith('/src/ops/otel.ts')) }
  }

  it('are off without OTEL_* variables, and with OTEL_TRACES_EXPORTER=none: the SDK is never loaded and nothing is sent', async () => {
    receiver = await OtlpReceiver.start()
    const unset = { OTEL_TRACES_EXPORTER: '', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_SDK_DISABLED: '' }
    expect((await startRecorded(unset)).openTelemetry).toEqual([])
    const none = await startRecorded({ ...unset, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_EXPORTER: 'none' })
    expect(none.openTelemetry).toEqual([])
    expect(receiver.posts).toEqual([])
  })

  it("export the last requests' spans on SIGTERM, to the endpoint, with the service name, resource and headers the variables name", async () => {
    receiver = await OtlpReceiver.start()
    const collectorKey = 'collector-secret-5e1f9a'
    const { lines, openTelemetry } = await startRecorded({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: `x-collector-key=${collectorKey}`,
      OTEL_SERVICE_NAME: 'gateway-under-test',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
      // Nothing leaves on the batch's timer in this test: only the flush at shutdown sends.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    })
    expect(openTelemetry.some((url) => url.endsWith('/src/ops/otel.ts'))).toBe(true)
    expect(receiver.posts).toMatchObject([{ path: '/v1/traces', contentType: 'application/json', headers: { 'x-collector-key': collectorKey } }])
    expect(receiver.spans).toMatchObject([
      {
        name: 'POST /tasks',
        attributes: { 'http.response.status_code': 201, 'enginy.tenant': 'default', 'enginy.connection': 'local' },
        resource: { 'service.name': 'gateway-under-test', 'deployment.environment.name': 'test' },
      },
    ])
    expect(lines.find((line) => line.msg === 'traces are exported over OTLP')).toMatchObject({ endpoint: `${receiver.url}/v1/traces`, protocol: 'http/json' })
    expect(lines.map((line) => line.msg)).toContain('stopped')
    expect(JSON.stringify(lines)).not.toContain(collectorKey)
  })
})
