import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import { capturedLogger, headers, testApp } from '../helpers/app.ts'
import { refusedPort } from '../helpers/ports.ts'

/** The log line the error handler writes for a request, parsed. */
function failureLine(lines: readonly string[], msg: string): Record<string, unknown> {
  const line = lines.map((text) => JSON.parse(text) as Record<string, unknown>).find((parsed) => parsed.msg === msg)
  expect(line, `a "${msg}" line`).toBeDefined()
  return line!
}

describe('the causes of an error', () => {
  let app: FastifyInstance | undefined
  afterEach(() => app?.close())

  it('are logged as a chain down to the socket, and a 502 answer holds none of them', async () => {
    const port = await refusedPort()
    const log = capturedLogger('info')
    app = await testApp({
      logger: log.logger,
      connections: {
        crm: {
          adapter: 'hubspot',
          accessToken: 'token-for-a-crm-that-is-not-there',
          baseUrl: `http://127.0.0.1:${port}`,
          retry: { maxRetries: 0 },
          breaker: { failures: 100, cooldownMs: 60_000 },
        },
      },
    })
    const answer = await app.inject({ method: 'GET', url: '/tasks/crm.101', headers })
    expect(answer.statusCode).toBe(502)
    expect(answer.json().code).toBe('UPSTREAM_UNAVAILABLE')

    const { err } = failureLine(log.lines, 'request failed') as { err: { code: string; causes: string[] } }
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE')
    expect(err.causes[0]).toBe('TransportError: upstream transport not-sent (ECONNREFUSED)')
    expect(err.causes[1]).toContain(`ECONNREFUSED 127.0.0.1:${port}`)
    for (const cause of err.causes) expect(answer.body).not.toContain(cause.split(': ').slice(1).join(': '))
    expect(answer.body).not.toContain('TransportError')
    expect(answer.body).not.toContain(String(port))
  })

  it("of a bug are in the log through pino's serializer, and the 500 answer says only internal error", async () => {
    const log = capturedLogger('info')
    const broken = createMemoryAdapter()
    const tasks = broken.tasks!
    const registry = {
      memory: async () => ({
        options: Type.Object({}),
        create: () => ({
          ...broken,
          tasks: {
            ...tasks,
            doCreate: async () => {
              throw new Error('the mapping broke', { cause: new Error('row 7 of the store has no subject') })
            },
          },
        }),
      }),
    }
    app = await testApp({ logger: log.logger, registry })
    const answer = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'never written' } })
    expect(answer.statusCode).toBe(500)
    expect(answer.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error', code: 'INTERNAL' })

    const { err } = failureLine(log.lines, 'request failed') as { err: { message: string; stack: string } }
    expect(err.message).toBe('the mapping broke: row 7 of the store has no subject')
    expect(err.stack).toContain('caused by: Error: row 7 of the store has no subject')
  })
})
