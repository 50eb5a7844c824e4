import { type Socket, connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEY, testApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'

/** A raw socket to the gateway: what it received, and whether the gateway closed it. */
interface Client {
  readonly socket: Socket
  received(): string
  closed(): boolean
}

async function open(port: number): Promise<Client> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  let text = ''
  let closed = false
  socket.on('data', (chunk) => {
    text += String(chunk)
  })
  socket.on('error', () => {})
  socket.on('close', () => {
    closed = true
  })
  return { socket, received: () => text, closed: () => closed }
}

/** Sends the headers of a `POST /tasks` whose body is `length` bytes, then one byte a second. */
function trickle(client: Client, length: number, key?: string): () => void {
  client.socket.write(
    `POST /tasks HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${key ? `X-API-Key: ${key}\r\n` : ''}\r\n{`,
  )
  const timer = setInterval(() => client.socket.writable && client.socket.write(' '), 1000)
  return () => clearInterval(timer)
}

const listen = async (requestTimeoutMs: number) => {
  const app = await testApp({ limits: { requestTimeoutMs } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as { port: number }).port }
}

describe('sockets are bounded by the request timeout', () => {
  let app: FastifyInstance
  let port: number
  beforeAll(async () => {
    ;({ app, port } = await listen(1000))
  })
  afterAll(() => app.close())

  it.each([
    ['with a key', KEY],
    ['without a key', undefined],
  ])('cuts a socket that trickles its body, %s', async (_name, key) => {
    const client = await open(port)
    const stop = trickle(client, 10_000, key)
    try {
      await waitFor(client.closed, 20_000)
      // With a key the body was still awaited: a 408. Without one, the 401 came first.
      expect(client.received()).toMatch(key ? /^HTTP\/1\.1 408 / : /^HTTP\/1\.1 401 /)
    } finally {
      stop()
      client.socket.destroy()
    }
  })

  it('closes a socket that never sends its headers', async () => {
    const client = await open(port)
    client.socket.write('GET /health HTTP/1.1\r\nHost: gateway\r\n')
    try {
      await waitFor(client.closed, 20_000)
    } finally {
      client.socket.destroy()
    }
  })
})

describe('an answer sent before the body has arrived', () => {
  let app: FastifyInstance
  let port: number
  // A request timeout far beyond the waits below: what closes the socket here is the answer.
  beforeAll(async () => {
    ;({ app, port } = await listen(600_000))
  })
  afterAll(() => app.close())

  it('answers a request without a key 401 and closes the socket instead of reading the rest of a big body', async () => {
    const client = await open(port)
    const stop = trickle(client, 100 * 1024 * 1024)
    try {
      await waitFor(client.closed, 10_000)
      expect(client.received()).toMatch(/^HTTP\/1\.1 401 /)
      expect(client.received().toLowerCase()).toContain('connection: close')
      expect(client.received()).toContain('"code":"UNAUTHORIZED"')
    } finally {
      stop()
      client.socket.destroy()
    }
  })

  it('keeps the connection of a request without a body, so a client with a wrong key is not made to reconnect each time', async () => {
    const client = await open(port)
    try {
      client.socket.write('GET /health HTTP/1.1\r\nHost: gateway\r\nX-API-Key: wrong\r\n\r\n')
      client.socket.write(`GET /health HTTP/1.1\r\nHost: gateway\r\nX-API-Key: ${KEY}\r\n\r\n`)
      await waitFor(() => /HTTP\/1\.1 200 /.test(client.received()))
      expect(client.received()).toMatch(/^HTTP\/1\.1 401 /)
      expect(client.closed()).toBe(false)
    } finally {
      client.socket.destroy()
    }
  })
})
