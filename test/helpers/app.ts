import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import { type AdapterRegistry, builtinAdapters } from '../../adapters/index.ts'
import { buildApp } from '../../src/app.ts'
import { resolveConfig } from '../../src/config/load.ts'
import { createLogger } from '../../src/logger.ts'
import type { Tracing } from '../../src/ops/tracing-types.ts'

/** The API key of every gateway `testApp` builds, unless told otherwise. */
export const KEY = 'test-key-0123456789'
/** A link token for `auth: { linkTokens: LINK_TOKEN }`: without one, a tenant's links are off. */
export const LINK_TOKEN = 'test-link-token-0123456789abcdefghijklmnop'

/** What `testApp` builds a gateway from; every part has a default. */
export interface TestAppOptions {
  connections?: Record<string, Record<string, unknown>>
  active?: string
  apiKeys?: string[]
  /** Other `auth` settings than the keys (the key header, failures, link tokens). */
  auth?: Record<string, unknown>
  trustProxy?: string[]
  limits?: Record<string, number>
  /** Active health checks are off unless a test turns them on: they are CRM calls of their own. */
  health?: Record<string, number>
  tenants?: Record<string, unknown>
  metrics?: Record<string, unknown>
  coordination?: Record<string, unknown>
  /** The adapters the config may name; by default the built-in ones of `adapters/index.ts`. */
  registry?: AdapterRegistry
  dispatcher?: Dispatcher
  logger?: Logger
  tracing?: Tracing
}

/** A gateway built from a config object, on the memory adapter unless told otherwise. */
export async function testApp(options: TestAppOptions = {}): Promise<FastifyInstance> {
  const config = await resolveConfig(
    {
      auth: { apiKeys: options.apiKeys ?? [KEY], ...options.auth },
      limits: options.limits ?? {},
      health: options.health ?? { intervalMs: 0 },
      metrics: options.metrics ?? {},
      ...(options.trustProxy && { trustProxy: options.trustProxy }),
      ...(options.coordination && { coordination: options.coordination }),
      connections: options.connections ?? { local: { adapter: 'memory' } },
      ...(options.tenants
        ? { tenants: options.tenants }
        : { active: options.active ?? Object.keys(options.connections ?? { local: 1 })[0] }),
    },
    {},
    options.registry ?? builtinAdapters,
  )
  return buildApp({ config, dispatcher: options.dispatcher, logger: options.logger ?? createLogger('silent'), tracing: options.tracing })
}

/** A logger whose every line lands in `lines`, for asserting on what was logged. */
export function capturedLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  return { logger: createLogger(level, stream), lines }
}

/** The headers of a request with `KEY` and a JSON body. */
export const headers = { 'x-api-key': KEY, 'content-type': 'application/json' }

/** `method url` with `payload` and the test key, which must answer 200: its JSON body. */
export async function answer200(app: FastifyInstance, method: 'POST' | 'PUT', url: string, payload: unknown) {
  const res = await app.inject({ method, url, headers, payload: payload as object })
  if (res.statusCode !== 200) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`)
  return res.json()
}
