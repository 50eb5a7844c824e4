import { Value } from '@sinclair/typebox/value'
import type { Logger } from 'pino'
import type { CallOptions, UpstreamClientOptions } from '../../src/kit/spec.ts'
import { ConnectionCore } from '../../src/config/schema.ts'
import { createUpstreamClient } from '../../src/upstream/client.ts'
import { createLogger } from '../../src/logger.ts'
import { UpstreamState } from '../../src/upstream/connection-state.ts'

export function core(overrides: Record<string, unknown> = {}): ConnectionCore {
  return Value.Default(ConnectionCore, { adapter: 'test', ...overrides }) as ConnectionCore
}

export function client(
  baseUrl: string,
  overrides: Record<string, unknown> = {},
  options: Partial<UpstreamClientOptions> = {},
  logger: Logger = createLogger('silent'),
) {
  const settings = core(overrides)
  const state = new UpstreamState('crm', settings)
  const made = createUpstreamClient({ core: settings, logger, state }, { baseUrl, headers: { authorization: 'Bearer secret-token-5f2b9c' }, ...options })
  return Object.assign(made, { close: () => state.close() })
}

export function within(ms: number): CallOptions {
  return { signal: AbortSignal.timeout(ms), deadline: Date.now() + ms, warn: () => {} }
}
