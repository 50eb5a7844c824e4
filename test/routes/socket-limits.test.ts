import { type Socket, connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { KEY, testApp } from '../helpers/app.ts'
import { countingMemory } from '../helpers/counting-memory.ts'
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

const listen = async (requestTimeoutMs: number, registry?: AdapterRegistry) => {
  const app = await testApp({ limits: { requestTimeoutMs }, registry })
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

  it('answers a request without a key 401 and closes the socket, reading no more than a bounded part of a big body', async () => {
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

/** The answers of `status` the gateway has finished sending to `POST /companies`. */
async function answered(app: FastifyInstance, status: number): Promise<number> {
  const text = await app.gateway.metrics.registry.metrics()
  const line = new RegExp(`^gateway_http_requests_total\\{route="/companies",method="POST",status="${status}"\\} (\\d+)$`, 'm').exec(text)
  return Number(line?.[1] ?? 0)
}

/**
 * A client that sends a `POST /companies` declaring `declared` bytes, and reads its answer only
 * once it has sent its body, as many do: it writes `before` bytes, waits until the gateway has
 * answered `status` (and, before the linger, closed the socket), then writes `after` bytes more,
 * as fast as the socket takes them, and only then reads. It closes its side only when told.
 */
async function sendThenRead(app: FastifyInstance, port: number, request: { declared: number; before: number; after: number; status: number; key?: boolean }) {
  // Half-open: the gateway's end of the connection does not end the client's, which may go on sending.
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
  await new Promise((resolve) => socket.once('connect', resolve))
  const outcome = { sent: 0, received: '', error: undefined as string | undefined, closed: false }
  socket.on('error', (error: NodeJS.ErrnoException) => {
    outcome.error = error.code
  })
  socket.on('close', () => {
    outcome.closed = true
  })
  const seen = await answered(app, request.status)
  const key = request.key === false ? '' : `X-API-Key: ${KEY}\r\n`
  socket.write(`POST /companies HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${request.declared}\r\n${key}\r\n`)
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  const write = async (bytes: number) => {
    for (let sent = 0; sent < bytes && !socket.destroyed; sent += chunk.length) {
      outcome.sent += chunk.length
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve))
    }
  }
  await write(request.before)
  await waitFor(async () => (await answered(app, request.status)) > seen)
  await write(request.after)
  socket.on('data', (data) => {
    outcome.received += String(data)
  })
  return { socket, outcome }
}

describe('a lingering close after an answer sent before the body', () => {
  let app: FastifyInstance
  let port: number
  const memory = countingMemory()
  // The request timeout is far beyond the waits below: what closes the sockets is the linger.
  beforeAll(async () => {
    ;({ app, port } = await listen(600_000, memory.registry))
  })
  afterAll(() => app.close())

  it('lets a client streaming a body four times the limit send it whole after the 413, and then read the 413 in JSON', async () => {
    // The 3 MiB sent after the answer are more than the two sockets' buffers hold here: the
    // client finishes only if the gateway reads them.
    const length = 4 * 1024 * 1024
    const { socket, outcome } = await sendThenRead(app, port, { declared: length, before: 1024 * 1024, after: 3 * 1024 * 1024, status: 413 })
    try {
      await waitFor(() => outcome.received.includes('"code":"BODY_TOO_LARGE"') || outcome.closed)
      expect(outcome.error).toBeUndefined()
      expect(outcome.sent).toBe(length)
      expect(outcome.received).toMatch(/^HTTP\/1\.1 413 /)
      expect(outcome.received.toLowerCase()).toContain('connection: close')
      expect(JSON.parse(outcome.received.slice(outcome.received.indexOf('\r\n\r\n') + 4))).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'the body is larger than limits.bodyLimitBytes (1048576 bytes)',
        code: 'BODY_TOO_LARGE',
      })
      // The client, told Connection: close, closes its side; the gateway closes at once then.
      socket.end()
      await waitFor(() => outcome.closed)
      expect(outcome.error).toBeUndefined()
    } finally {
      socket.destroy()
    }
  })

  it('lets a client without a key send its body after the 401 and read it', async () => {
    const { socket, outcome } = await sendThenRead(app, port, { declared: 2 * 1024 * 1024, before: 64 * 1024, after: 1024 * 1024, status: 401, key: false })
    try {
      await waitFor(() => outcome.received.includes('"code":"UNAUTHORIZED"') || outcome.closed)
      expect(outcome.error).toBeUndefined()
      expect(outcome.received).toMatch(/^HTTP\/1\.1 401 /)
    } finally {
      socket.destroy()
    }
  })

  it('cuts a client that keeps sending as fast as it can after its 413, and reads none of what it sends as a request', async () => {
    const { socket, outcome } = await sendThenRead(app, port, { declared: 1024 * 1024 * 1024, before: 1024 * 1024, after: 0, status: 413 })
    const request = `POST /tasks HTTP/1.1\r\nHost: gateway\r\nX-API-Key: ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n{"subject":"sent"}`
    const pipelined = Buffer.from(request.repeat(Math.ceil((64 * 1024) / request.length)))
    const before = outcome.sent
    const started = performance.now()
    try {
      while (!socket.destroyed) {
        outcome.sent += pipelined.length
        if (!socket.write(pipelined)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve))
      }
      await waitFor(() => outcome.closed)
      const after = outcome.sent - before
      console.log(`a client sending as fast as it can after its 413: cut after ${Math.round(performance.now() - started)} ms, having written ${after} bytes more`)
      // The gateway reads 4 MiB at most; the rest sat in the two sockets' buffers.
      expect(after).toBeLessThan(64 * 1024 * 1024)
      expect(outcome.received).toMatch(/^HTTP\/1\.1 413 /)
      expect(outcome.received).not.toContain('HTTP/1.1 201')
      expect(memory.writes()).toBe(0)
    } finally {
      socket.destroy()
    }
  })

  it('cuts a client that trickles the rest of its body for ever', async () => {
    const { socket, outcome } = await sendThenRead(app, port, { declared: 10 * 1024 * 1024, before: 1024 * 1024, after: 0, status: 413 })
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100)
    try {
      await waitFor(() => outcome.closed, 20_000)
      expect(outcome.received).toMatch(/^HTTP\/1\.1 413 /)
    } finally {
      clearInterval(trickle)
      socket.destroy()
    }
  })
})
