import type { FastifyInstance } from 'fastify'
import { capturedLogger, headers, testApp } from '../../../src/kit/testing.ts'
import { setUpOrganization } from './organization.ts'
import { CLOSE_API_KEY, type CloseFake } from './server.ts'

export const LINK_TOKEN = 'close-gateway-link-token-0123456789abcdef'

export interface CloseGateway {
  readonly app: FastifyInstance
  /** The gateway's address on 127.0.0.1: requests go over a real socket. */
  readonly url: string
  readonly refs: ReturnType<typeof setUpOrganization>['refs']
  /** A request as Enginy sends it, with the API key; the status and the parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: the gateway's answers, checked field by field by each test
  send(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, extra?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>
  /** Every line the gateway logged. */
  readonly lines: string[]
  close(): Promise<void>
}

/**
 * A gateway listening on 127.0.0.1 in front of a fake Close organization set up as a customer
 * would (`organization.ts`), with links on; `connection` adds to or overrides the connection.
 */
export async function closeGateway(fake: CloseFake, connection: Record<string, unknown> = {}, limits: Record<string, number> = {}): Promise<CloseGateway> {
  const { fieldMap, taskLeadId, refs } = setUpOrganization(fake)
  const { logger, lines } = capturedLogger('debug')
  const app = await testApp({
    connections: { close: { adapter: 'close', apiKey: CLOSE_API_KEY, baseUrl: fake.url, fieldMap, taskLeadId, ...connection } },
    auth: { linkTokens: [LINK_TOKEN] },
    limits,
    logger,
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    app,
    url,
    refs,
    lines,
    async send(method, path, body, extra) {
      const res = await fetch(`${url}${path}`, { method, headers: { ...headers, ...extra }, redirect: 'manual', ...(body !== undefined && { body: JSON.stringify(body) }) })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers }
    },
    close: () => app.close(),
  }
}
