import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { type AdapterWarning, capturedLogger, headers, testApp } from '../../../src/kit/testing.ts'
import { PIPEDRIVE_FIELDS, PIPEDRIVE_TOKEN, type PipedriveFake } from './pipedrive.ts'

/** The custom fields a customer adds for Enginy: LinkedIn URL, domain, an engagement field. */
export const PIPEDRIVE_FIELD_MAP = {
  contacts: { linkedinUrl: PIPEDRIVE_FIELDS.personLinkedin, campaignSequenceStatus: PIPEDRIVE_FIELDS.personSequenceStatus },
  companies: { domain: PIPEDRIVE_FIELDS.orgDomain, campaignSequenceStatus: PIPEDRIVE_FIELDS.orgSequenceStatus },
}

export interface PipedriveGateway {
  readonly app: FastifyInstance
  send(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object): Promise<LightMyRequestResponse>
  /** The adapter warnings logged since the last call. */
  warnings(): AdapterWarning[]
  close(): Promise<void>
}

/**
 * A gateway in front of a fake Pipedrive, with the field map above and search's window as the
 * fake's (`searchWindowMs`), logging adapter warnings where a test can read them.
 */
export async function pipedriveGateway(fake: PipedriveFake, connection: Record<string, unknown> = {}, searchWindowMs = 2000): Promise<PipedriveGateway> {
  const { logger, lines } = capturedLogger('warn')
  const app = await testApp({
    connections: {
      pipedrive: {
        adapter: 'pipedrive',
        apiToken: PIPEDRIVE_TOKEN,
        baseUrl: fake.url,
        fieldMap: PIPEDRIVE_FIELD_MAP,
        rateLimits: { search: { requests: 10, intervalMs: searchWindowMs } },
        retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 20 },
        ...connection,
      },
    },
    logger,
  })
  let read = 0
  return {
    app,
    send: (method, url, payload) => app.inject({ method, url, headers, ...(payload && { payload }) }),
    warnings() {
      const fresh = lines.slice(read)
      read = lines.length
      return fresh.flatMap((line) => {
        const entry = JSON.parse(line) as { msg?: string; warning?: AdapterWarning }
        return entry.msg === 'adapter warning' && entry.warning ? [entry.warning] : []
      })
    },
    close: () => app.close(),
  }
}

/**
 * A connection to `fake` at the ratios of Pipedrive's limits (20 calls and 10 searches a window) in
 * windows of `windowMs`, with the LinkedIn and domain fields mapped; `extra` adds to it.
 */
export function limitedConnection(fake: PipedriveFake, windowMs: number, marginMs: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    adapter: 'pipedrive',
    apiToken: PIPEDRIVE_TOKEN,
    baseUrl: fake.url,
    fieldMap: { contacts: { linkedinUrl: PIPEDRIVE_FIELDS.personLinkedin }, companies: { domain: PIPEDRIVE_FIELDS.orgDomain } },
    rateLimit: { requests: 20, intervalMs: windowMs, marginMs },
    rateLimits: { search: { requests: 10, intervalMs: windowMs, marginMs } },
    ...extra,
  }
}
