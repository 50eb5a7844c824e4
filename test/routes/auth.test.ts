import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capturedLogger, testApp } from '../helpers/app.ts'

describe('X-API-Key', () => {
  let app: FastifyInstance
  const log = capturedLogger('debug')
  beforeAll(async () => {
    app = await testApp({ apiKeys: ['old-key-aaaaaaaa', 'new-key-bbbbbbbb'], logger: log.logger })
  })
  afterAll(() => app.close())

  const routes = [
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
})
