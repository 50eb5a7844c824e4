import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { UpstreamBadResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../../src/errors.ts'
import { refreshGrant } from '../../src/credentials/token-endpoint.ts'
import { createLogger } from '../../src/logger.ts'
import { TransportError } from '../../src/upstream/transport.ts'
import { refusedPort } from '../helpers/ports.ts'

const client = { clientId: 'app-id', clientSecret: 'app-secret-0f3e2d' }
const context = { connection: 'crm', logger: createLogger('silent'), timeouts: { headersMs: 300, bodyMs: 300 }, maxResponseBytes: 8 * 1024 * 1024 }

/** A token endpoint on a real socket, answering each request with `handle`. */
async function endpoint(handle: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (part) => (body += part))
    request.on('end', () => handle(request, body, response))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`, server }
}

describe('the OAuth token endpoint, through the upstream transport', () => {
  let server: Server | undefined
  afterEach(() => {
    server?.closeAllConnections()
    server?.close()
  })

  it('sends the refresh grant as a form, the client in HTTP Basic, and reads the tokens', async () => {
    const seen: { type?: string; authorization?: string; body?: string; path?: string } = {}
    const started = await endpoint((request, body, response) => {
      Object.assign(seen, { type: request.headers['content-type'], authorization: request.headers.authorization, body, path: request.url })
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ access_token: 'access-1', refresh_token: 'refresh-2', expires_in: 3600 }))
    })
    server = started.server
    const answer = await refreshGrant({ url: started.url, ...client }, 'refresh-1', context)
    expect(answer).toEqual({ access_token: 'access-1', refresh_token: 'refresh-2', expires_in: 3600 })
    expect(seen).toEqual({
      type: 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('app-id:app-secret-0f3e2d').toString('base64')}`,
      body: 'grant_type=refresh_token&refresh_token=refresh-1',
      path: '/oauth/token',
    })
  })

  it("keeps to the connection's headers timeout, and the timeout keeps its cause", async () => {
    const started = await endpoint(() => {})
    server = started.server
    const error = await refreshGrant({ url: started.url, ...client }, 'refresh-1', context).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(UpstreamTimeoutError)
    expect((error as Error).cause).toBeInstanceOf(TransportError)
    expect((error as UpstreamTimeoutError).failure).toContain('timeouts.headersMs')
  })

  it('reads an answer only up to its bound', async () => {
    const started = await endpoint((_request, _body, response) => response.end('x'.repeat(200 * 1024)))
    server = started.server
    await expect(refreshGrant({ url: started.url, ...client }, 'refresh-1', context)).rejects.toBeInstanceOf(UpstreamBadResponseError)
  })

  it('names an unreachable endpoint by host and port, never by the secrets it was sent', async () => {
    const port = await refusedPort()
    const error = (await refreshGrant({ url: `http://127.0.0.1:${port}/oauth/token`, ...client }, 'refresh-secret-77', context).catch(
      (thrown: unknown) => thrown,
    )) as UpstreamUnavailableError
    expect(error).toBeInstanceOf(UpstreamUnavailableError)
    expect(error.failure).toBe(`connection refused at 127.0.0.1:${port}`)
    expect(error.cause).toBeInstanceOf(TransportError)
    for (const text of [error.message, error.failure, (error.cause as Error).message]) {
      expect(text).not.toContain('refresh-secret-77')
      expect(text).not.toContain(client.clientSecret)
    }
  })
})
