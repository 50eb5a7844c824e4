import type { CoordinationState } from '../coordination/redis.ts'
import type { ConnectionHealth } from '../contract/ops.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { BreakerState } from '../upstream/circuit-breaker.ts'
import { type Bucket, CallHistory, type HourSums } from './call-history.ts'
import { describeCheck } from './connection-report.ts'
import type { HealthMonitor } from './health.ts'
import type { MirrorStatus } from '../mirror/mirror.ts'

/** Past this many tenants the page lists their names, each a link to its own page. */
export const MOST_TENANTS_SHOWN = 25

export interface ConnectionStatus {
  readonly name: string
  readonly adapter: string
  readonly active: boolean
  readonly breaker?: BreakerState
  readonly lastCheck?: NonNullable<ConnectionHealth['lastCheck']>
  readonly hour: HourSums
  readonly day: readonly Bucket[]
  /** Each kind's mirror, as this replica last read its store; absent without `mirror:`. */
  readonly mirror?: readonly MirrorStatus[]
}

export interface TenantStatus {
  readonly name: string
  /** The active connection first. */
  readonly connections: readonly ConnectionStatus[]
}

/**
 * What the status page shows: names, adapters, checks and counts, never a key, token or URL. By
 * construction: it is built from connection names, adapter names, breaker states, check results
 * (code and message, as `/readyz` shows them) and this process's call counts, not from options.
 */
export interface StatusReport {
  readonly now: number
  readonly configVersion: number
  readonly loadedAt: number
  readonly coordination: CoordinationState
  readonly tenantCount: number
  /** The tenants shown in full: the one asked for, or all of them when there are few. */
  readonly tenants: readonly TenantStatus[]
  /** Every tenant's name, when there are too many to show in full and none was asked for. */
  readonly names?: readonly string[]
  /** The tenant asked for, when no tenant has that name. */
  readonly unknown?: string
}

export interface StatusSources {
  readonly runtime: Runtime
  readonly health: HealthMonitor
  readonly history: CallHistory
  readonly coordination: CoordinationState
  readonly now?: number
}

export function statusReport(sources: StatusSources, only?: string): StatusReport {
  const { runtime, health, history } = sources
  const all = runtime.tenants
  const picked = only === undefined ? all : all.filter((tenant) => tenant.name === only)
  const listed = only === undefined && all.length > MOST_TENANTS_SHOWN
  const tenants = (listed ? [] : picked).map((tenant) => ({
    name: tenant.name,
    connections: [tenant.active, ...[...tenant.connections.values()].filter((c) => c !== tenant.active)].map((connection) => {
      const last = health.lastCheck(connection)
      const day = history.day(connection.name)
      // Every client of a connection shares its one breaker.
      const breaker = connection.upstream[0]?.breaker.state
      return {
        name: connection.name,
        adapter: connection.adapter.adapter,
        active: connection === tenant.active,
        ...(breaker && { breaker }),
        ...(last && { lastCheck: describeCheck(connection, last) }),
        hour: CallHistory.hour(day),
        day,
        ...(connection.mirror && { mirror: connection.mirror.status() }),
      }
    }),
  }))
  return {
    now: sources.now ?? Date.now(),
    configVersion: runtime.version,
    loadedAt: runtime.loadedAt,
    coordination: sources.coordination,
    tenantCount: all.length,
    tenants,
    ...(listed && { names: all.map((tenant) => tenant.name) }),
    ...(only !== undefined && picked.length === 0 && { unknown: only }),
  }
}
