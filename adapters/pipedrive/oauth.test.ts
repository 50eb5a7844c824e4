import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { PipedriveFake } from './fake/pipedrive.ts'
import { PIPEDRIVE_CLIENT, PipedriveOAuthFake } from './fake/oauth.ts'
import { TestRedis, capturedLogger, headers, testApp, waitFor } from '../../src/kit/testing.ts'

/**
 * Pipedrive's OAuth access tokens expire after an hour and each refresh rotates the refresh
 * token. The gateway in front of a fake API and a fake token server (`fake/oauth.ts`), on
 * one replica or two sharing a real Redis: the clock is moved, not waited for.
 */
describe('pipedrive OAuth', () => {
  const log = capturedLogger('debug')
  const issued: string[] = []
  let api: PipedriveFake
  let oauth: PipedriveOAuthFake
  let redis: TestRedis
  let dir: string
  let prefixes = 0
  const apps: FastifyInstance[] = []

  beforeAll(async () => {
    api = await PipedriveFake.start()
    redis = await TestRedis.start()
    dir = await mkdtemp(join(tmpdir(), 'pipedrive-oauth-'))
  })
  beforeEach(async () => {
    oauth = await PipedriveOAuthFake.start()
    api.oauth = oauth
    api.http.reset()
  })
  afterEach(async () => {
    vi.useRealTimers()
    for (const app of apps.splice(0)) await app.close()
    issued.push(...oauth.issued)
    await oauth.close()
  })
  afterAll(async () => {
    // No token the server issued, nor the client secret, reached a log line.
    const all = log.lines.join('\n')
    for (const secret of [...issued, PIPEDRIVE_CLIENT.secret]) expect(all).not.toContain(secret)
    await api.close()
    await redis.down()
  })

  const coordination = () => ({ redis: { url: redis.url, prefix: `pipedrive-oauth-${++prefixes}` } })
  const gateway = async (options: { coordination?: Record<string, unknown>; [option: string]: unknown } = {}) => {
    const { coordination: shared, ...extra } = options
    const app = await testApp({
      connections: {
        pipedrive: {
          adapter: 'pipedrive',
          baseUrl: api.url,
          tokenUrl: oauth.tokenUrl,
          clientId: PIPEDRIVE_CLIENT.id,
          clientSecret: PIPEDRIVE_CLIENT.secret,
          refreshToken: oauth.initial.refreshToken,
          retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 20 },
          ...extra,
        },
      },
      ...(shared && { coordination: shared }),
      logger: log.logger,
    })
    apps.push(app)
    return app
  }
  const create = async (app: FastifyInstance): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'oauth' } })
    expect(res.statusCode).toBe(201)
    return res.json().id
  }
  const read = (app: FastifyInstance, id: string) => app.inject({ method: 'GET', url: `/tasks/${id}`, headers })
  /** Reads on every replica at once; each must succeed. */
  const readAll = async (replicas: FastifyInstance[], id: string) => {
    const answers = await Promise.all([...replicas, ...replicas, ...replicas].map((app) => read(app, id)))
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200))
  }
  const refreshStatuses = () => oauth.refreshes.map((refresh) => refresh.status)
  const refusedByApi = () => api.http.requests.filter((request) => request.status === 401).length

  it('renews the token before it expires and when it has, one refresh for both replicas each time, and no call fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true })
    const shared = coordination()
    const replicas = [await gateway({ coordination: shared }), await gateway({ coordination: shared })]
    // No access token configured: the first call gets one.
    const id = await create(replicas[0]!)
    await readAll(replicas, id)
    expect(refreshStatuses()).toEqual([200])

    // 56 minutes on, the token has 4 left: calls go on with it while it is renewed.
    vi.setSystemTime(Date.now() + 56 * 60_000)
    await readAll(replicas, id)
    await waitFor(() => oauth.refreshes.length === 2)
    await readAll(replicas, id)

    // Past the second token's expiry: it is renewed before any call is sent with it.
    vi.setSystemTime(Date.now() + 61 * 60_000)
    await readAll(replicas, id)
    await readAll(replicas, id)
    // Each refresh token spent once: a second spending would be an invalid_grant here.
    expect(refreshStatuses()).toEqual([200, 200, 200])
    expect(refusedByApi()).toBe(0)
  })

  it('answers a 401 with one refresh and one retry; calls refused at once on two replicas share one refresh', async () => {
    const shared = coordination()
    const replicas = [
      await gateway({ coordination: shared, accessToken: oauth.initial.accessToken }),
      await gateway({ coordination: shared, accessToken: oauth.initial.accessToken }),
    ]
    const id = await create(replicas[0]!)
    expect(oauth.refreshes).toEqual([])

    oauth.revokeAccessTokens()
    api.http.reset()
    expect((await read(replicas[0]!, id)).statusCode).toBe(200)
    expect(refreshStatuses()).toEqual([200])
    expect(api.http.requests.map((request) => request.status)).toEqual([401, 200])

    oauth.revokeAccessTokens()
    api.http.reset()
    await readAll(replicas, id)
    expect(refreshStatuses()).toEqual([200, 200])
    // Each call refused was sent once more, and succeeded (reads of one task at once share a call).
    const answered = api.http.requests.map((request) => request.status)
    expect(answered.filter((status) => status === 200)).toHaveLength(refusedByApi())
    expect(answered.every((status) => status === 200 || status === 401)).toBe(true)
  })

  it('does not refresh again when the API refuses a token it has just issued: it refuses the app, not the token', async () => {
    const app = await gateway({ coordination: coordination(), accessToken: oauth.initial.accessToken })
    api.oauth = { accepts: () => false }
    for (let call = 0; call < 3; call++) {
      const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'refused' } })
      expect(res.json()).toMatchObject({ statusCode: 502, code: 'UPSTREAM_AUTH' })
    }
    expect(refreshStatuses()).toEqual([200])
  })

  it('keeps the rotated refresh token in Redis, where a replica started later finds it', async () => {
    const shared = coordination()
    const first = await gateway({ coordination: shared })
    const id = await create(first)
    await first.close()
    apps.splice(apps.indexOf(first), 1)

    // The configured refresh token is spent; the later replica uses the one Redis keeps.
    oauth.revokeAccessTokens()
    const later = await gateway({ coordination: shared })
    expect((await read(later, id)).statusCode).toBe(200)
    expect(refreshStatuses()).toEqual([200, 200])
    expect(oauth.refreshes[1]!.refreshToken).not.toBe(oauth.initial.refreshToken)
  })

  it('without Redis, keeps the rotated tokens in tokenFile, replaced whole with mode 0600, for the next start', async () => {
    const tokenFile = join(await mkdtemp(join(dir, 'file-')), 'pipedrive-tokens.json')
    const first = await gateway({ tokenFile })
    const id = await create(first)
    expect(JSON.parse(await readFile(tokenFile, 'utf8'))).toMatchObject({ refreshToken: oauth.refreshToken, generation: 1 })
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600)
    // Neither the file written beside it nor the lock is left behind.
    expect(await readdir(join(tokenFile, '..'))).toEqual(['pipedrive-tokens.json'])
    await first.close()
    apps.splice(apps.indexOf(first), 1)

    oauth.revokeAccessTokens()
    const next = await gateway({ tokenFile })
    expect((await read(next, id)).statusCode).toBe(200)
    expect(refreshStatuses()).toEqual([200, 200])
    expect(JSON.parse(await readFile(tokenFile, 'utf8'))).toMatchObject({ refreshToken: oauth.refreshToken, generation: 2 })
  })

  it('while Redis is down, renews an expired token alone and puts it in Redis when it is back', async () => {
    const shared = coordination()
    const first = await gateway({ coordination: shared })
    const id = await create(first)
    await redis.down()
    oauth.revokeAccessTokens()
    expect((await read(first, id)).statusCode).toBe(200)
    expect(refreshStatuses()).toEqual([200, 200])

    // Redis comes back empty (it keeps nothing on disk here): the replica holding the newest
    // tokens puts them back, and a replica started then finds them.
    await redis.up()
    await waitFor(async () => {
      await read(first, id)
      return log.lines.some((line) => line.includes('OAuth tokens kept in the store again'))
    })
    oauth.revokeAccessTokens()
    const later = await gateway({ coordination: shared })
    expect((await read(later, id)).statusCode).toBe(200)
    expect(refreshStatuses()).toEqual([200, 200, 200])
  })

  it('answers 502 when Pipedrive refuses the refresh token, and logs why without any token', async () => {
    const app = await gateway({ coordination: coordination(), accessToken: oauth.initial.accessToken })
    oauth.revokeRefreshToken()
    oauth.revokeAccessTokens()
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'refused' } })
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ code: 'UPSTREAM_AUTH', message: 'the CRM of connection "pipedrive" rejected the gateway\'s credentials' })
    const refused = log.lines.map((line) => JSON.parse(line)).find((line) => line.msg?.startsWith('OAuth token refresh refused'))
    expect(refused).toMatchObject({ connection: 'pipedrive', status: 400, error: 'invalid_grant' })
  })

  it('refuses a connection whose rotated tokens would have nowhere to be kept, and a lone access token', async () => {
    await expect(gateway()).rejects.toThrow('config: connections.pipedrive: an OAuth refresh token is replaced at every refresh: set coordination.redis, or tokenFile')
    await expect(gateway({ refreshToken: undefined, accessToken: 'an-hour-long-token', tokenFile: join(dir, 'x.json') })).rejects.toThrow(
      'an OAuth accessToken expires after an hour',
    )
    await expect(gateway({ clientSecret: undefined, tokenFile: join(dir, 'x.json') })).rejects.toThrow("refreshToken needs the OAuth app's clientId and clientSecret")
    await expect(gateway({ apiToken: 'both-kinds', tokenFile: join(dir, 'x.json') })).rejects.toThrow('set apiToken, or an OAuth app')
  })
})
