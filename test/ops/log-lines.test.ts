import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { capturedLogger, headers, testApp } from '../helpers/app.ts'
import { duplicateKeys } from '../helpers/json-keys.ts'
import { refusedPort } from '../helpers/ports.ts'

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
})
