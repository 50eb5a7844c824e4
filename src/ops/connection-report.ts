import { GatewayError } from '../errors.ts'
import type { ConnectionHealth } from '../contract/ops.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { formatUtc } from '../contract/dates.ts'
import type { CheckResult, HealthMonitor } from './health.ts'

/** Each tenant's active connection with its tenants, breaker and last check: the `/readyz` detail. */
export function connectionReport(runtime: Runtime, health: HealthMonitor): ConnectionHealth[] {
  const tenants = new Map<Connection, string[]>()
  for (const tenant of runtime.tenants) {
    const names = tenants.get(tenant.active)
    if (names) names.push(tenant.name)
    else tenants.set(tenant.active, [tenant.name])
  }
  return [...tenants].map(([connection, names]) => {
    // Every client of a connection shares its one breaker.
    const breaker = connection.upstream[0]?.breaker.state
    const last = health.lastCheck(connection)
    return {
      name: connection.name,
      tenants: names,
      ...(breaker && { breaker }),
      ...(last && { lastCheck: describeCheck(connection, last) }),
    }
  })
}

/** A check as an operator may see it: its code, and its message without the connection's credentials. */
export function describeCheck(connection: Connection, last: CheckResult): NonNullable<ConnectionHealth['lastCheck']> {
  // The one date form every answer uses (docs/contract.md); a check's clock is always in range.
  const at = formatUtc(last.at) ?? new Date(last.at).toISOString()
  if (!last.error) return { ok: last.ok, at }
  // Not one of ours: a bug, whose message may hold internals; the warning logged has it.
  if (!(last.error instanceof GatewayError)) return { ok: last.ok, at, code: 'INTERNAL', message: 'internal error' }
  return { ok: last.ok, at, code: last.error.code, message: connection.scrub(last.error.message) }
}
