import { afterEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { KEY, capturedLogger, headers, testApp } from '../helpers/app.ts'
import { strictMemory } from '../helpers/strict-memory.ts'

describe('request log', () => {
  let app: FastifyInstance
  afterEach(() => app.close())

  const linesOf = (lines: string[], requestId: string) =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.requestId === requestId)

  it('writes one line per request at info level, when it is answered', async () => {
    const log = capturedLogger('info')
    app = await testApp({ logger: log.logger })
    const created = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'logged' } })
    const read = await app.inject({ method: 'GET', url: `/tasks/${created.json().id}`, headers: { ...headers, 'x-request-id': 'trace-1' } })
    const missing = await app.inject({ method: 'GET', url: '/tasks/local.nothere', headers: { ...headers, 'x-request-id': 'trace-2' } })
    expect([read.statusCode, missing.statusCode]).toEqual([200, 404])

    const [line, ...more] = linesOf(log.lines, 'trace-1')
    expect(more).toEqual([])
    expect(line).toMatchObject({ level: 30, msg: 'request completed', method: 'GET', url: `/tasks/${created.json().id}`, statusCode: 200 })
    expect(line!.responseTime).toEqual(expect.any(Number))
    // A rejected request also says why, from the error handler.
    expect(linesOf(log.lines, 'trace-2')).toMatchObject([
      { msg: 'request rejected', code: 'TASK_NOT_FOUND' },
      { msg: 'request completed', statusCode: 404 },
    ])
  })

  it('adds the incoming line at debug level, to follow a request that never ends', async () => {
    const log = capturedLogger('debug')
    app = await testApp({ logger: log.logger })
    await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-3' } })
    expect(linesOf(log.lines, 'trace-3').map(({ msg, level }) => [msg, level])).toEqual([
      ['incoming request', 20],
      ['request completed', 30],
    ])
  })

  it('logs a URL without its query values, where a client may have put its key', async () => {
    const log = capturedLogger('debug')
    app = await testApp({ logger: log.logger })
    const secret = 'query-secret-7f3a9b'
    await app.inject({ method: 'GET', url: `/tasks/local.abc?api_key=${secret}&limit=5&${secret}`, headers: { ...headers, 'x-request-id': 'trace-4' } })
    expect(log.lines.join('\n')).not.toContain(secret)
    const urls = linesOf(log.lines, 'trace-4').flatMap((line) => (line.url === undefined ? [] : [[line.msg, line.url]]))
    expect(urls).toEqual([
      ['incoming request', '/tasks/local.abc?api_key=[redacted]&limit=[redacted]&[redacted]'],
      ['request completed', '/tasks/local.abc?api_key=[redacted]&limit=[redacted]&[redacted]'],
    ])
  })

  it("names the tenant and its connection on the request's line and on the warnings logged while it is served", async () => {
    const log = capturedLogger('info')
    app = await testApp({
      logger: log.logger,
      registry: strictMemory,
      connections: { crm: { adapter: 'memory' }, other: { adapter: 'memory' } },
      tenants: { acme: { apiKeys: KEY, active: 'crm', connections: ['crm', 'other'] } },
    })
    const missing = await app.inject({ method: 'GET', url: '/tasks/crm.nothere', headers: { ...headers, 'x-request-id': 'trace-5' } })
    // The strict adapter drops a field it has no place for, with a warning.
    const exported = await app.inject({
      method: 'POST',
      url: '/contacts',
      headers: { ...headers, 'x-request-id': 'trace-6' },
      payload: { contacts: [{ externalId: 'X-1', email: 'x@acme.io', favouriteColour: 'red' }] },
    })
    expect([missing.statusCode, exported.statusCode]).toEqual([404, 200])

    expect(linesOf(log.lines, 'trace-5')).toMatchObject([
      { msg: 'request rejected', code: 'TASK_NOT_FOUND', tenant: 'acme', connection: 'crm' },
      { msg: 'request completed', statusCode: 404, tenant: 'acme', connection: 'crm' },
    ])
    expect(linesOf(log.lines, 'trace-6')).toMatchObject([
      { msg: 'adapter warning', warning: { field: 'favouriteColour' }, tenant: 'acme', connection: 'crm' },
      { msg: 'request completed', statusCode: 200, tenant: 'acme', connection: 'crm' },
    ])
  })

  it('names no tenant on the line of a request whose key is refused, and never the key', async () => {
    const log = capturedLogger('info')
    app = await testApp({ logger: log.logger })
    const wrong = 'wrong-key-4d1c8e2a'
    const refused = await app.inject({ method: 'GET', url: '/tasks/local.abc', headers: { 'x-api-key': wrong, 'x-request-id': 'trace-7' } })
    expect(refused.statusCode).toBe(401)
    const lines = linesOf(log.lines, 'trace-7')
    expect(lines.map((line) => [line.msg, line.statusCode])).toEqual([
      ['request rejected', undefined],
      ['request completed', 401],
    ])
    for (const line of lines) expect(Object.keys(line)).not.toEqual(expect.arrayContaining(['tenant']))
    for (const line of lines) expect(Object.keys(line)).not.toEqual(expect.arrayContaining(['connection']))
    expect(log.lines.join('\n')).not.toContain(wrong)
    expect(log.lines.join('\n')).not.toContain(KEY)
  })
})
