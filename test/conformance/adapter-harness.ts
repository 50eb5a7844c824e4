import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import { builtinAdapters } from '../../adapters/index.ts'
import { buildApp } from '../../src/app.ts'
import { resolveConfig } from '../../src/config/load.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import type { AdapterV2 } from '../../src/kit/spec.ts'
import { createLogger } from '../../src/logger.ts'
import type { Mirror } from '../../src/mirror/mirror.ts'
import { TABLES } from '../../src/mirror/sql-schema.ts'
import { openConnection } from '../../src/runtime/connections.ts'

/**
 * What an adapter's own tests need of the gateway beyond `testApp`, so that they import the test
 * kit and nothing else of the core: a config as the gateway reads it, a gateway built from a whole
 * config, one adapter opened as the gateway opens it, and a mirror swept on demand.
 */

/** A logger that writes nothing, for an `AdapterContext` a test builds by hand. */
export function silentLogger(): Logger {
  return createLogger('silent')
}

/** A whole config, as YAML would give it, checked and resolved as the gateway does at start. */
export function testConfig(raw: Record<string, unknown>): Promise<GatewayConfig> {
  return resolveConfig(raw, {}, builtinAdapters)
}

/**
 * A gateway built from a whole config (`testConfig`), where `testApp`'s options do not reach:
 * settings of its own for `auth`, `health` and the rest. `app.gateway.apply(await testConfig(...))`
 * reloads it.
 */
export async function testAppFromConfig(raw: Record<string, unknown>, options: { readonly logger?: Logger } = {}): Promise<FastifyInstance> {
  return buildApp({ config: await testConfig(raw), logger: options.logger ?? silentLogger() })
}

/**
 * The adapter of one connection, opened as the gateway opens it (its upstream client, limits and
 * credentials), without a server: for tests of the exact requests an adapter sends, through
 * `dispatcher` (undici's `MockAgent`).
 */
export async function openTestAdapter(connection: Record<string, unknown>, options: { readonly dispatcher?: Dispatcher } = {}): Promise<AdapterV2> {
  const config = await testConfig({ auth: { apiKeys: 'k' }, connections: { tested: connection }, active: 'tested' })
  return openConnection(config.connections.get('tested')!, { logger: silentLogger(), dispatcher: options.dispatcher }).adapter
}

/** The adapter the gateway `app` serves connection `name` with now (a reload may replace it). */
export function adapterOf(app: FastifyInstance, name: string): AdapterV2 {
  const connection = app.gateway.current.runtime.connections.get(name)
  if (!connection) throw new Error(`the gateway has no connection "${name}"`)
  return connection.adapter
}

/** The state of the circuit breaker of connection `name`, as `/readyz` reports it. */
export function breakerState(app: FastifyInstance, name: string): 'closed' | 'open' | 'half-open' | undefined {
  return app.gateway.current.runtime.connections.get(name)?.upstream[0]?.breaker.state
}

/** Runs one sweep of the mirror of connection `name` now, as its replica would on its timer. */
export async function sweepMirror(app: FastifyInstance, name: string): Promise<void> {
  const mirror = app.gateway.current.runtime.connections.get(name)?.mirror as Mirror | undefined
  if (!mirror) throw new Error(`connection "${name}" has no mirror`)
  await mirror.sweeper.sweep()
}

/** The tables a mirror kept in SQL writes its rows to, each with a `connection` column: a test
 * on a shared database deletes its connections' rows from them. */
export const MIRROR_TABLES: readonly string[] = [TABLES.records, TABLES.keys, TABLES.state, TABLES.leases]
