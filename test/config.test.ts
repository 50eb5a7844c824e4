import { builtinAdapters } from '../adapters/index.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureApiKeys } from '../src/config/api-keys.ts'
import { loadConfigFile, resolveConfig } from '../src/config/load.ts'
import { ConfigError } from '../src/errors.ts'
import { capturedLogger } from './helpers/app.ts'

const write = async (text: string) => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-config-'))
  const path = join(dir, 'config.yaml')
  await writeFile(path, text)
  return path
}

const base = `
auth:
  apiKeys: \${GATEWAY_API_KEYS}
connections:
  local:
    adapter: memory
active: local
`

describe('config', () => {
  it('loads the shipped default config with the documented defaults', async () => {
    const config = await loadConfigFile('config/default.yaml', { GATEWAY_API_KEYS: 'a, b ,,c', GATEWAY_LINK_TOKENS: 'link-1,link-2' }, builtinAdapters)
    expect(config.tenants).toEqual([{ name: 'default', apiKeys: ['a', 'b', 'c'], linkTokens: ['link-1', 'link-2'], active: 'local', connections: ['local'] }])
    expect(config.limits).toEqual({ maxBatchIds: 1000, maxBatchRecords: 1000, bodyLimitBytes: 1_048_576, requestTimeoutMs: 15_000 })
    expect(config.connections.get('local')?.core).toMatchObject({ adapter: 'memory', concurrency: 8 })
  })

  it('interpolates ${VAR} and ${VAR:-fallback} after parsing, so values with YAML syntax stay whole', async () => {
    const path = await write(`${base}limits:\n  maxBatchIds: 10\n`.replace('apiKeys: ${GATEWAY_API_KEYS}', 'apiKeys: ${KEYS:-fallback-key}'))
    expect((await loadConfigFile(path, {}, builtinAdapters)).tenants[0]!.apiKeys).toEqual(['fallback-key'])
    expect((await loadConfigFile(path, { KEYS: 'k: #1' }, builtinAdapters)).tenants[0]!.apiKeys).toEqual(['k: #1'])
  })

  it('names the key and the variable when a variable is unset', async () => {
    const path = await write(base)
    await expect(loadConfigFile(path, {}, builtinAdapters)).rejects.toThrow(
      new ConfigError('auth.apiKeys', 'environment variable GATEWAY_API_KEYS is not set'),
    )
  })

  it('names an unknown adapter and lists the known ones', async () => {
    const path = await write(base.replace('adapter: memory', 'adapter: salesforce'))
    await expect(loadConfigFile(path, { GATEWAY_API_KEYS: 'k' }, builtinAdapters)).rejects.toThrow(
      'config: connections.local.adapter: unknown adapter "salesforce" (known: memory',
    )
  })

  it('refuses an active connection that is not configured', async () => {
    const path = await write(base.replace('active: local', 'active: hubspot'))
    await expect(loadConfigFile(path, { GATEWAY_API_KEYS: 'k' }, builtinAdapters)).rejects.toThrow(
      'config: active: "hubspot" is not a configured connection (configured: local)',
    )
  })

  it.each([
    [{ limits: { maxBatchIds: 'many' } }, 'config: limits.maxBatchIds: Expected integer'],
    [{ limits: { maxBatch: 3 } }, 'config: limits.maxBatch: is not a known key'],
    [{ connections: { local: { adapter: 'memory', concurrency: 0 } } }, 'config: connections.local.concurrency: Expected integer to be greater or equal to 1'],
    [{ connections: { local: { adapter: 'memory', colour: 'red' } } }, 'config: connections.local.colour: is not a known key'],
    [{ connections: { 'Bad Name': { adapter: 'memory' } }, active: 'Bad Name' }, 'config: connections.Bad Name: a connection name'],
    [{ active: undefined }, 'config: active: is required (or configure tenants)'],
    [{ tenants: { a: { apiKeys: 'k1', active: 'nope' } } }, 'config: tenants.a.active: "nope" is not a configured connection'],
    [{ tenants: { a: { apiKeys: 'k1', active: 'local', connections: ['gone'] } } }, 'config: tenants.a.connections[0]: "gone" is not a configured connection'],
    [{ tenants: { a: { apiKeys: '', active: 'local' } } }, 'config: tenants.a.apiKeys: a tenant needs at least one API key'],
    [{ tenants: { a: { apiKeys: 'k1', active: 'local' }, b: { apiKeys: 'k2,k1', active: 'local' } } }, 'config: tenants.b.apiKeys: a key is also a key of tenant "a"'],
  ])('explains what is wrong with %j', async (change, message) => {
    const raw = { auth: { apiKeys: 'k' }, connections: { local: { adapter: 'memory' } }, active: 'local', ...change }
    await expect(resolveConfig(raw, {}, builtinAdapters)).rejects.toThrow(message)
  })

  it('reads tenants: their keys, their active connection and the connections they may use', async () => {
    const config = await resolveConfig(
      {
        connections: { a: { adapter: 'memory' }, b: { adapter: 'memory' }, old: { adapter: 'memory' } },
        tenants: { acme: { apiKeys: 'k1,k2', active: 'a', connections: ['old'] }, globex: { apiKeys: ['k3'], active: 'b' } },
      },
      {},
      builtinAdapters,
    )
    expect(config.tenants).toEqual([
      { name: 'acme', apiKeys: ['k1', 'k2'], linkTokens: [], active: 'a', connections: ['a', 'old'] },
      { name: 'globex', apiKeys: ['k3'], linkTokens: [], active: 'b', connections: ['b'] },
    ])
  })

  it('says why a file cannot be read or parsed', async () => {
    await expect(loadConfigFile('/nonexistent/gateway.yaml', {}, builtinAdapters)).rejects.toThrow('cannot read /nonexistent/gateway.yaml: ENOENT')
    const path = await write('connections: [unclosed')
    await expect(loadConfigFile(path, {}, builtinAdapters)).rejects.toThrow('is not valid YAML')
  })

  it('points at the line and column of a YAML error, and names the fix of an unquoted ${VAR} in { }, off the main thread too', async () => {
    const text = 'connections:\n  local: { adapter: memory }\ntenants:\n  acme: { apiKeys: ${ACME_KEYS}, active: local }\n'
    const expected = [
      'is not valid YAML: Unexpected flow-map-start at node end at line 4, column 21 (a ${VARIABLE} inside { } or [ ] must be quoted: "${VARIABLE}"):',
      '    acme: { apiKeys: ${ACME_KEYS}, active: local }',
      `  ${' '.repeat(20)}^`,
    ].join('\n')
    await expect(loadConfigFile(await write(text), { ACME_KEYS: 'k' }, builtinAdapters)).rejects.toThrow(expected)
    const big = `# ${'x'.repeat(70 * 1024)}\n${text}`
    await expect(loadConfigFile(await write(big), { ACME_KEYS: 'k' }, builtinAdapters)).rejects.toThrow(expected.replace('line 4', 'line 5'))
  })

  it('points a line indented too deep at that line, not at the value on the line before, off the main thread too', async () => {
    const text = 'auth:\n  apiKeys: k\nconnections:\n  local:\n    adapter: memory\n      concurrency: 3\nactive: local\n'
    const expected = [
      'is not valid YAML: bad indentation: this line is indented deeper than the line above, whose key already has a value at line 6, column 7:',
      '        concurrency: 3',
      `  ${' '.repeat(6)}^`,
    ].join('\n')
    await expect(loadConfigFile(await write(text), {}, builtinAdapters)).rejects.toThrow(expected)
    const big = `# ${'x'.repeat(70 * 1024)}\n${text}`
    await expect(loadConfigFile(await write(big), {}, builtinAdapters)).rejects.toThrow(expected.replace('line 6', 'line 7'))
  })

  it('refuses a key given twice in one mapping, in a small file and in one big enough to be parsed off the main thread', async () => {
    const twice = `connections:\n  local: { adapter: memory }\ntenants:\n  acme: { apiKeys: [k1], active: local }\n  acme: { apiKeys: [k2], active: local }\n`
    await expect(loadConfigFile(await write(twice), {}, builtinAdapters)).rejects.toThrow('the key "acme" appears twice in one mapping')
    const many = (extra: string) => {
      const lines = ['connections:', '  local: { adapter: memory }', 'tenants:']
      for (let i = 0; i < 2000; i++) lines.push(`  t${i}: { apiKeys: [key-${i}], active: local }`)
      return `${lines.join('\n')}\n${extra}`
    }
    expect(Buffer.byteLength(many('')), 'past the size parsed in a worker').toBeGreaterThan(64 * 1024)
    const config = await loadConfigFile(await write(many('')), {}, builtinAdapters)
    expect(config.tenants).toHaveLength(2000)
    expect(config.tenants[1999]).toMatchObject({ name: 't1999', apiKeys: ['key-1999'], active: 'local' })
    await expect(loadConfigFile(await write(many('  t7: { apiKeys: [again], active: local }\n')), {}, builtinAdapters)).rejects.toThrow('the key "t7" appears twice')
    await expect(loadConfigFile(await write(many('  t9: [unclosed\n')), {}, builtinAdapters)).rejects.toThrow('is not valid YAML')
  })

  it('names at most ten connections when a tenant names one that is not configured', async () => {
    const connections = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, { adapter: 'memory' }]))
    const refused = resolveConfig({ connections, tenants: { acme: { apiKeys: ['k'], active: 'nope' } } }, {}, builtinAdapters)
    await expect(refused).rejects.toThrow('"nope" is not a configured connection (configured: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 20 more)')
  })

  it('generates and logs one API key outside production, and refuses to start without one in production', async () => {
    const raw = { connections: { local: { adapter: 'memory' } }, active: 'local' }
    const config = await resolveConfig(raw, {}, builtinAdapters)
    expect(config.tenants[0]!.apiKeys).toEqual([])
    const { logger, lines } = capturedLogger('info')
    const dev = ensureApiKeys(config, logger).tenants[0]!
    expect(dev.apiKeys).toHaveLength(1)
    expect(dev.apiKeys[0]!.length).toBeGreaterThanOrEqual(32)
    expect(lines.join('\n')).toContain(dev.apiKeys[0])
    await expect(resolveConfig(raw, { NODE_ENV: 'production' }, builtinAdapters)).rejects.toThrow('auth.apiKeys: no API key is configured; set GATEWAY_API_KEYS')
  })

  it('refuses keys shorter than 16 characters in production, naming their place and never the key', async () => {
    const production = { NODE_ENV: 'production' }
    const short = { auth: { apiKeys: 'k, a-key-long-enough-0001, abcdefghijklmno' }, connections: { local: { adapter: 'memory' } }, active: 'local' }
    const refused = await resolveConfig(short, production, builtinAdapters).catch((error: ConfigError) => error)
    expect(refused).toBeInstanceOf(ConfigError)
    // Production has rules of its own for other keys (metrics); these are the API keys'.
    expect((refused as ConfigError).problems.filter((p) => p.key.startsWith('auth.'))).toEqual([
      { key: 'auth.apiKeys[0]', problem: expect.stringContaining('is shorter than 16 characters') },
      { key: 'auth.apiKeys[2]', problem: expect.stringContaining('is shorter than 16 characters') },
    ])
    expect((refused as Error).message).not.toContain('abcdefghijklmno')
    const tenants = { connections: { local: { adapter: 'memory' } }, tenants: { acme: { apiKeys: ['a-key-long-enough-0001', 'tiny'], active: 'local' } } }
    await expect(resolveConfig(tenants, production, builtinAdapters)).rejects.toThrow('tenants.acme.apiKeys[1]: is shorter than 16 characters')
    expect((await resolveConfig(short, {}, builtinAdapters)).tenants[0]!.apiKeys, 'outside production').toHaveLength(3)
  })

  it('refuses a config with no tenant: every key would get 401', async () => {
    await expect(resolveConfig({ connections: {}, tenants: {} }, {}, builtinAdapters)).rejects.toThrow('config: tenants: no tenant is configured, so every request would get 401')
  })

  it('names every problem of a file at once, each with its key', async () => {
    const path = await write(`${base}limits:\n  maxBatch: 3\n  bodyLimitBytes: lots\n`.replace('adapter: memory', 'adapter: memory\n    colour: red'))
    const refused = await loadConfigFile(path, { GATEWAY_API_KEYS: 'k' }, builtinAdapters).catch((error: ConfigError) => error)
    expect(refused).toBeInstanceOf(ConfigError)
    expect((refused as ConfigError).problems).toEqual([
      { key: 'limits.maxBatch', problem: 'is not a known key' },
      { key: 'limits.bodyLimitBytes', problem: 'Expected integer' },
      { key: 'connections.local.colour', problem: 'is not a known key' },
    ])
    expect((refused as Error).message).toBe(
      'config: 3 problems: limits.maxBatch: is not a known key; limits.bodyLimitBytes: Expected integer; connections.local.colour: is not a known key',
    )
    const unset = { auth: { apiKeys: '${KEYS}' }, metrics: { token: '${TOKEN}' }, connections: { local: { adapter: 'memory' } }, active: 'local' }
    await expect(resolveConfig(unset, {}, builtinAdapters)).rejects.toThrow(
      'config: 2 problems: auth.apiKeys: environment variable KEYS is not set; metrics.token: environment variable TOKEN is not set',
    )
    // An unset variable is one problem: the rest of its entry, and the file, are checked on; what
    // its placeholder fails (not a redis:// URL, an unknown connection) is not named again.
    const more = {
      auth: { apiKeys: 'k' },
      limits: { maxBatchIdz: 5 },
      coordination: { redis: { url: '${REDIS_URL}', replica: 2 } },
      connections: { hs: { adapter: 'hubspot', accessToken: '${HS_TOKEN}', retri: 1 } },
      active: '${ACTIVE}',
    }
    expect((await resolveConfig(more, {}, builtinAdapters).catch((error: ConfigError) => error) as ConfigError).problems).toEqual([
      { key: 'coordination.redis.url', problem: 'environment variable REDIS_URL is not set' },
      { key: 'active', problem: 'environment variable ACTIVE is not set' },
      { key: 'limits.maxBatchIdz', problem: 'is not a known key' },
      { key: 'coordination.redis.replica', problem: 'is not a known key' },
      { key: 'connections.hs.accessToken', problem: 'environment variable HS_TOKEN is not set' },
      { key: 'connections.hs.retri', problem: 'is not a known key' },
    ])
    const tenants = {
      connections: { a: { adapter: 'memory', concurrency: 0 } },
      tenants: { acme: { apiKeys: 'k1', active: 'a' }, globex: { apiKeys: 'k2', active: 'nope' } },
    }
    await expect(resolveConfig(tenants, {}, builtinAdapters)).rejects.toThrow(
      'config: 2 problems: connections.a.concurrency: Expected integer to be greater or equal to 1; tenants.globex.active: "nope" is not a configured connection (configured: a)',
    )
  })
})
