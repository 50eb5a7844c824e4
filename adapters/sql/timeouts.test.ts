import { type Server, type Socket, createServer } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { AdapterContext, AdapterV2, CallOptions } from '../../src/kit/spec.ts'
import { headers, silentLogger, testApp } from '../../src/kit/testing.ts'
import definition from './index.ts'
import { PROXY_PASSWORD, dropTables, flakyProxy, postgresConnection, uniquePrefix } from './testing.ts'

/** A server that accepts connections and never says a word: a database host that hangs. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `postgres://gateway:${PROXY_PASSWORD}@127.0.0.1:${port}/test`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

describe('a PostgreSQL that does not answer', () => {
  const apps: FastifyInstance[] = []
  const cleanUps: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp()
  })

  const gateway = async (connection: Record<string, unknown>) => {
    const app = await testApp({ connections: { own: connection } })
    apps.push(app)
    return app
  }

  it('is a 504 once connecting has taken timeouts.connectMs, without the password', async () => {
    const silent = await silentServer()
    cleanUps.push(silent.close)
    const app = await gateway({ adapter: 'sql', url: silent.url, prefix: uniquePrefix('silent'), timeouts: { connectMs: 300 } })
    for (const [url, payload] of [
      ['/tasks', { subject: 'never stored' }],
      ['/contacts', { contacts: [{ externalId: 'L-1', email: 'ana@acme.io' }] }],
    ] as const) {
      const res = await app.inject({ method: 'POST', url, headers, payload })
      expect(res.statusCode, res.body).toBe(504)
      expect(res.json().code).toBe('UPSTREAM_TIMEOUT')
      expect(res.body).not.toContain(PROXY_PASSWORD)
    }
  })

  it('is a 504 once a statement has waited timeouts.headersMs, and serves again when the database answers', async () => {
    const prefix = uniquePrefix('stall')
    const proxy = await flakyProxy({ up: true })
    cleanUps.push(() => dropTables(prefix), proxy.close)
    const app = await gateway({ ...postgresConnection(prefix, proxy.url), timeouts: { connectMs: 1000, headersMs: 500 } })
    const create = () => app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'stall' } })
    expect((await create()).statusCode).toBe(201)

    proxy.stall()
    const stalled = await create()
    expect(stalled.statusCode, stalled.body).toBe(504)
    expect(stalled.json().code).toBe('UPSTREAM_TIMEOUT')

    proxy.heal()
    const again = await create()
    expect(again.statusCode, again.body).toBe(201)
  })
})

describe('the PostgreSQL pool', () => {
  const prefix = uniquePrefix('pool')
  afterAll(() => dropTables(prefix))

  it('opens at most the connection’s concurrency of connections, however many calls come at once', async () => {
    const proxy = await flakyProxy({ up: true })
    const ctx = {
      connection: 'own',
      logger: silentLogger(),
      fieldMap: { contacts: {}, companies: {} },
      concurrency: 2,
      timeouts: { connectMs: 5000, headersMs: 10_000, bodyMs: 10_000 },
    } as AdapterContext
    // The options as config validation leaves them, defaults filled in.
    const options = { file: '.data/tasks.sqlite', url: proxy.url, prefix, table: `${prefix}_tasks`, links: {} }
    const adapter = definition.create(options, ctx) as AdapterV2
    const call: CallOptions = { signal: new AbortController().signal, deadline: Date.now() + 60_000, warn: () => {} }
    try {
      await Promise.all(Array.from({ length: 20 }, () => adapter.tasks!.doGetMany(['a', 'b'], call)))
      expect(proxy.peak).toBeGreaterThan(0)
      expect(proxy.peak).toBeLessThanOrEqual(2)
    } finally {
      await adapter.close?.()
      await proxy.close()
    }
  })
})
