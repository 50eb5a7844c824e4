import { builtinAdapters } from '../../adapters/index.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfigFile } from '../../src/config/load.ts'
import { KEY, capturedLogger, headers, testApp } from '../helpers/app.ts'
import { duplicateKeys } from '../helpers/json-keys.ts'
import { refusedPort } from '../helpers/ports.ts'
import { runToExit } from '../helpers/server-process.ts'

describe('log lines', () => {
  let app: FastifyInstance | undefined
  afterEach(() => app?.close())

  it('finds a repeated key, which JSON.parse hides', () => {
    expect(duplicateKeys('{"a":1,"b":{"a":2,"c":[{"d":1,"d":2}]},"a":3}')).toEqual(['b.c[].d', 'a'])
    expect(duplicateKeys('{"a":"\\"a\\":","b":["a","a"]}')).toEqual([])
  })

  it('name each key once, the connection included, on every path a request takes', async () => {
    const port = await refusedPort()
    const log = capturedLogger('debug')
    app = await testApp({
      logger: log.logger,
      connections: {
        local: { adapter: 'memory' },
        crm: {
          adapter: 'hubspot',
          accessToken: 'token-for-a-crm-that-is-not-there',
          baseUrl: `http://127.0.0.1:${port}`,
          retry: { maxRetries: 1, minDelayMs: 1, maxDelayMs: 1 },
          breaker: { failures: 2, cooldownMs: 60_000 },
        },
      },
      active: 'local',
    })
    const created = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'logged' } })
    const answers = [
      await app.inject({ method: 'GET', url: `/tasks/${created.json().id}`, headers }),
      await app.inject({ method: 'GET', url: '/tasks/local.nothere', headers }),
      await app.inject({ method: 'GET', url: '/tasks/crm.101', headers }),
      await app.inject({ method: 'GET', url: '/tasks/crm.102', headers }),
    ].map((answer) => answer.statusCode)
    expect(answers).toEqual([200, 404, 502, 503])

    const lines = log.lines.map((line) => ({ line, duplicates: duplicateKeys(line) }))
    expect(lines.filter(({ duplicates }) => duplicates.length > 0)).toEqual([])
    const parsed = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    // The lines that had it twice: each failed attempt, the call's failure, the adapter's own notes.
    expect(parsed.filter((line) => line.msg === 'upstream call failed' && line.connection === 'crm').length).toBeGreaterThan(1)
    expect(parsed.filter((line) => String(line.msg).startsWith('fieldMap.') && line.connection === 'crm').length).toBeGreaterThan(0)
    expect(parsed.filter((line) => line.msg === 'request completed').every((line) => typeof line.requestId === 'string')).toBe(true)
  })

  it('keep a YAML error readable: the line and its caret as lines of their own, at start and at a reload', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'gateway-log-')), 'gateway.yaml')
    const good = `auth:\n  apiKeys: ${KEY}\nconnections:\n  local:\n    adapter: memory\nactive: local\n`
    const bad = good.replace('adapter: memory\n', 'adapter: memory\n      concurrency: 3\n')
    const problem = {
      key: '',
      problem: `${path} is not valid YAML: bad indentation: this line is indented deeper than the line above, whose key already has a value at line 6, column 7:`,
      excerpt: ['        concurrency: 3', `  ${' '.repeat(6)}^`],
    }
    await writeFile(path, bad)
    const start = await runToExit({ PORT: '0', GATEWAY_CONFIG: path })
    expect(start.code).toBe(1)
    const fatal = start.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((line) => line.level === 60)
    expect(fatal).toMatchObject({ problems: [problem], msg: `config: ${problem.problem}` })

    await writeFile(path, good)
    const log = capturedLogger('info')
    app = await buildApp({ config: await loadConfigFile(path, {}, builtinAdapters), logger: log.logger, reload: { path, env: {}, registry: builtinAdapters } })
    await writeFile(path, bad)
    expect(await app.reloadConfig('test')).toBe(false)
    const rejected = log.lines.map((line) => JSON.parse(line)).find((line) => String(line.msg).startsWith('config reload rejected'))
    expect(rejected).toMatchObject({ problems: [problem], error: `config: ${problem.problem}` })
  })
})
