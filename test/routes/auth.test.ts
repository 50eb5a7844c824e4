import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capturedLogger, testApp } from '../helpers/app.ts'

describe('the API key', () => {
  let app: FastifyInstance
  const log = capturedLogger('debug')
  beforeAll(async () => {
    // Room for every wrong key below from one address: their throttling is test/routes/auth-throttle.test.ts.
    app = await testApp({ apiKeys: ['old-key-aaaaaaaa', 'new-key-bbbbbbbb'], auth: { failures: { burst: 1000, perMinute: 60 } }, logger: log.logger })
  })
  afterAll(() => app.close())

  // Every route of Enginy's interface wants the key; `/healthz` and the record links do not.
  const routes = [
    ['GET', '/health', undefined],
    ['GET', '/users', undefined],
    ['POST', '/contacts', { contacts: [] }],
    ['POST', '/contacts/sync', { contacts: [] }],
    ['PUT', '/contacts', { contacts: [] }],
    ['POST', '/companies', { companies: [] }],
    ['POST', '/companies/sync', { companies: [] }],
    ['PUT', '/companies', { companies: [] }],
    ['POST', '/associations', { associations: [] }],
    ['POST', '/activities', { type: 'EMAIL' }],
    ['POST', '/tasks', { subject: 's' }],
    ['GET', '/tasks/local.abc', undefined],
    ['PATCH', '/tasks/local.abc', { completed: true }],
    ['PUT', '/tasks/local.abc', { completed: true }],
    ['POST', '/tasks/batch', { ids: [] }],
    ['PATCH', '/tasks/batch', { ids: [], completed: true }],
  ] as const

  it.each(routes)('%s %s without a key or with an unknown one is a 401 in JSON', async (method, url, payload) => {
    for (const key of [undefined, '', 'wrong-key', 'old-key-aaaaaaa', 'old-key-aaaaaaaaa']) {
      const res = await app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-api-key': key }) },
        ...(payload ? { payload } : {}),
      })
      expect(res.statusCode).toBe(401)
      expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"')
      expect(res.json()).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'missing or unknown X-API-Key',
        code: 'UNAUTHORIZED',
      })
    }
  })

  it('accepts every configured key, so keys can be rotated', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/tasks',
      headers: { 'x-api-key': 'old-key-aaaaaaaa' },
      payload: { subject: 'rotation' },
    })
    expect(created.statusCode).toBe(201)
    const read = await app.inject({
      method: 'GET',
      url: `/tasks/${created.json().id}`,
      headers: { 'x-api-key': 'new-key-bbbbbbbb' },
    })
    expect(read.statusCode).toBe(200)
  })

  it('leaves /healthz open', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })

  it('never writes a key into the log', async () => {
    await app.inject({ method: 'GET', url: '/tasks/x', headers: { 'x-api-key': 'old-key-aaaaaaaa' } })
    await app.inject({ method: 'GET', url: '/tasks/x', headers: { 'x-api-key': 'wrong-key-cccccccc' } })
    expect(log.lines.length).toBeGreaterThan(0)
    const all = log.lines.join('\n')
    expect(all).not.toContain('old-key-aaaaaaaa')
    expect(all).not.toContain('wrong-key-cccccccc')
  })

  it('answers GET /health 200 with a valid key: how Enginy checks a connection', async () => {
    const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-api-key': 'new-key-bbbbbbbb' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })

  it('reads the key from the header auth.header names, as Enginy lets the customer choose it', async () => {
    const custom = await testApp({ apiKeys: ['custom-key-dddddddd'], auth: { header: 'X-Enginy-Token' } })
    try {
      const ok = await custom.inject({ method: 'GET', url: '/health', headers: { 'x-enginy-token': 'custom-key-dddddddd' } })
      expect(ok.statusCode).toBe(200)
      const wrongHeader = await custom.inject({ method: 'GET', url: '/health', headers: { 'x-api-key': 'custom-key-dddddddd' } })
      expect(wrongHeader.statusCode).toBe(401)
      expect(wrongHeader.json().message).toBe('missing or unknown X-Enginy-Token')
      expect(wrongHeader.headers['www-authenticate']).toBe('ApiKey header="X-Enginy-Token"')
    } finally {
      await custom.close()
    }
  })
})
