import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { refusedPort } from '../helpers/ports.ts'
import { startServer } from '../helpers/server-process.ts'

const run = promisify(execFile)

/** The command line as an operator runs it: a spawned process, its output and its exit code. */
async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/enginy-gateway.mjs', ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('enginy-gateway command line', () => {
  let dir: string
  let hubspot: HubSpotFake
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-cli-'))
    hubspot = await HubSpotFake.start()
  })
  afterAll(() => hubspot.close())

  const file = async (name: string, text: string) => {
    const path = join(dir, name)
    await writeFile(path, text)
    return path
  }
  const good = (url: string) => `
auth:
  apiKeys: \${GATEWAY_API_KEYS}
connections:
  hubspot:
    adapter: hubspot
    accessToken: \${HUBSPOT_ACCESS_TOKEN}
    baseUrl: ${url}
    retry: { maxRetries: 0 }
  local:
    adapter: memory
active: hubspot
`

  it('config check prints the effective connections with secrets masked, and exits 0', async () => {
    const path = await file('good.yaml', good(hubspot.url))
    const result = await cli(['config', 'check', path], { GATEWAY_API_KEYS: 'k1,k2', HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`${path}: valid`)
    expect(result.stdout).toContain('tenant default: 2 API key(s); no link token (one is generated outside production; production turns links off); new tasks go to "hubspot"')
    expect(result.stdout).toMatch(/\* hubspot: adapter=hubspot concurrency=8 accessToken=\*\*\*\* baseUrl=/)
    expect(result.stdout + result.stderr).not.toContain(HUBSPOT_TOKEN)
    expect(result.stdout + result.stderr).not.toContain('k1')
  })

  it('config check masks the credentials inside URLs, whatever their key is called', async () => {
    const path = await file('sql.yaml', 'auth:\n  apiKeys: k\nconnections:\n  own:\n    adapter: sql\n    url: postgres://app:pg-secret-42@127.0.0.1:5432/crm\nactive: own\n')
    const result = await cli(['config', 'check', path])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('url="postgres://app:****@127.0.0.1:5432/crm"')
    expect(result.stdout + result.stderr).not.toContain('pg-secret-42')
  })

  it('config check names the problem and exits 1 on a bad file, and warns of removed connections', async () => {
    // The unset variable is one problem among the others, not the end of the check.
    const unsetAndTypo = good(hubspot.url).replace('retry:', 'retri:')
    const unset = await cli(['config', 'check', await file('unset.yaml', unsetAndTypo)], { GATEWAY_API_KEYS: 'k' })
    expect(unset.code).toBe(1)
    expect(unset.stderr).toContain('  connections.hubspot.accessToken: environment variable HUBSPOT_ACCESS_TOKEN is not set\n')
    expect(unset.stderr).toContain('  connections.hubspot.retri: is not a known key\n')

    const twoTypos = `${good(hubspot.url).replace('retry:', 'retri:')}limits:\n  maxBatchIdz: 5\n`
    const typos = await cli(['config', 'check', await file('typos.yaml', twoTypos)], { GATEWAY_API_KEYS: 'k', HUBSPOT_ACCESS_TOKEN: 't' })
    expect(typos.code).toBe(1)
    expect(typos.stderr).toContain('  limits.maxBatchIdz: is not a known key\n')
    expect(typos.stderr).toContain('  connections.hubspot.retri: is not a known key\n')

    const current = await file('current.yaml', good(hubspot.url))
    const next = await file('next.yaml', 'auth:\n  apiKeys: k\nconnections:\n  local:\n    adapter: memory\nactive: local\n')
    const removal = await cli(['config', 'check', next, '--against', current], { GATEWAY_API_KEYS: 'k', HUBSPOT_ACCESS_TOKEN: 't' })
    expect(removal.code).toBe(0)
    expect(removal.stderr).toContain('warning: connection "hubspot"')
    expect(removal.stderr).toContain('the task ids it issued will answer "not found"')
  })

  it('config check compares with the config in force only when asked: a new file gets no warning of removals', async () => {
    const current = await file('in-force.yaml', good(hubspot.url))
    const next = await file('new.yaml', 'auth:\n  apiKeys: k\nconnections:\n  own:\n    adapter: memory\nactive: own\n')
    const env = { GATEWAY_CONFIG: current, GATEWAY_API_KEYS: 'k', HUBSPOT_ACCESS_TOKEN: 't' }
    const [fresh, against] = await Promise.all([cli(['config', 'check', next], env), cli(['config', 'check', next, '--against'], env)])
    expect(fresh).toMatchObject({ code: 0, stderr: '' })
    expect(against.code).toBe(0)
    expect(against.stderr).toContain(`warning: connection "hubspot" (in ${current}) is removed`)
    expect(against.stderr).toContain(`warning: connection "local" (in ${current}) is removed`)
  }, 60_000)

  it('config check --against refuses, before the reload would, a file that changes the adapter of a connection that stays, and exits 1', async () => {
    const current = await file('in-force.yaml', 'auth:\n  apiKeys: k\nconnections:\n  acme-mem:\n    adapter: memory\nactive: acme-mem\n')
    const flipped = await file('flipped.yaml', `auth:\n  apiKeys: k\nconnections:\n  acme-mem:\n    adapter: sql\n    file: ${join(dir, 'acme.sqlite')}\nactive: acme-mem\n`)
    const result = await cli(['config', 'check', flipped, '--against', current])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`${flipped}: valid`)
    expect(result.stderr).toContain(`${flipped}: refused as a reload of ${current}\n`)
    expect(result.stderr).toContain(
      '  connections.acme-mem.adapter: changes from memory to sql, and every id connection "acme-mem" issued would answer "not found"; ' +
        'keep it as it is, add a new connection with adapter sql, and make it the tenant\'s active one',
    )
    // The way it names passes: the old connection kept, a new one made active.
    const added = await file(
      'added.yaml',
      `auth:\n  apiKeys: k\nconnections:\n  acme-mem:\n    adapter: memory\n  acme-sql:\n    adapter: sql\n    file: ${join(dir, 'acme.sqlite')}\nactive: acme-sql\n`,
    )
    const fine = await cli(['config', 'check', added, '--against', current])
    expect(fine.code).toBe(0)
    expect(fine.stderr).toBe('')
  })

  it('connections test reports ok, bad credentials and unreachable, and exits 1 on a failure', async () => {
    const path = await file('test.yaml', good(hubspot.url))
    const ok = await cli(['connections', 'test'], { GATEWAY_CONFIG: path, GATEWAY_API_KEYS: 'k', HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN })
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('hubspot (hubspot): ok')
    expect(ok.stdout).toContain('local (memory): ok')

    const bad = await cli(['connections', 'test', 'hubspot'], { GATEWAY_CONFIG: path, GATEWAY_API_KEYS: 'k', HUBSPOT_ACCESS_TOKEN: 'wrong-token' })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('hubspot (hubspot): bad credentials')
    expect(bad.stdout).not.toContain('wrong-token')

    const port = await refusedPort()
    const down = await file('down.yaml', good(`http://127.0.0.1:${port}`))
    const unreachable = await cli(['connections', 'test'], { GATEWAY_CONFIG: down, GATEWAY_API_KEYS: 'k', HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN })
    expect(unreachable.code).toBe(1)
    expect(unreachable.stdout).toContain(`hubspot (hubspot): unreachable: connection refused at 127.0.0.1:${port}\n`)
  })

  it('connections test says what the calls ran into, even once their failures have opened the circuit', async () => {
    const port = await refusedPort()
    // Retries as by default, but quick: the refusals open the breaker before the check gives up.
    const path = await file(
      'breaker.yaml',
      good(`http://127.0.0.1:${port}`).replace('retry: { maxRetries: 0 }', 'retry: { maxRetries: 5, minDelayMs: 1, maxDelayMs: 1 }\n    breaker: { failures: 2 }'),
    )
    const result = await cli(['connections', 'test', 'hubspot'], { GATEWAY_CONFIG: path, GATEWAY_API_KEYS: 'k', HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe(`hubspot (hubspot): unreachable: connection refused at 127.0.0.1:${port}\n`)
  })

  it('answers a wrong command with its usage on stderr and exit code 2', async () => {
    const wrong = [['frobnicate'], ['config'], ['start', 'now'], ['--help', 'config']]
    const results = await Promise.all(wrong.map((args) => cli(args)))
    for (const [i, result] of results.entries()) {
      expect(result.code, wrong[i]!.join(' ')).toBe(2)
      expect(result.stderr).toContain('usage: enginy-gateway <command>')
      expect(result.stdout).toBe('')
    }
  }, 60_000)

  it('prints its help to stdout and exits 0 when asked for it, and exits 1 with no command, as git and npm do', async () => {
    const [bare, ...asked] = await Promise.all([[], ['--help'], ['-h'], ['help']].map((args) => cli(args)))
    for (const result of asked) {
      expect(result).toMatchObject({ code: 0, stderr: '' })
      expect(result.stdout).toMatch(/^usage: enginy-gateway <command>\n[\s\S]*\n {2}start {2,}run the gateway/)
      expect(result.stdout).toContain('  config check [file] [--against [file]]')
    }
    expect(bare).toEqual({ code: 1, stdout: asked[0]!.stdout, stderr: '' })
  }, 60_000)

  it("prints package.json's version for --version and -v", async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const results = await Promise.all([cli(['--version']), cli(['-v'])])
    for (const result of results) expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  }, 60_000)

  it('start runs the server in its own process, which finishes on SIGTERM and exits 0', async () => {
    const server = await startServer({ GATEWAY_API_KEYS: 'cli-start-key-0123456789' }, [process.execPath, 'bin/enginy-gateway.mjs', 'start'])
    try {
      const health = await fetch(`${server.base}/health`, { headers: { 'x-api-key': 'cli-start-key-0123456789' } })
      expect(await health.json()).toEqual({ status: 'ok' })
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
      expect(server.lines.map((line) => line.msg)).toContain('stopped')
    } finally {
      await server.stop()
    }
  })
})
