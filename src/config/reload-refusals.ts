import { ConfigError, type ConfigProblem } from '../errors.ts'
import type { GatewayConfig } from './types.ts'
import { restartOnlyChanges } from './restart-only.ts'

/**
 * What a reload refuses of a config that a start would take, every problem named: one list for
 * the reload itself and for `config check --against`, which tells the operator first.
 */
export function reloadProblems(current: GatewayConfig, next: GatewayConfig): ConfigProblem[] {
  return [...restartOnlyChanges(current, next), ...adapterChanges(current, next)]
}

/** Refuses a reload from `current` to `next`, naming each reason, or lets it through. */
export function refuseReload(current: GatewayConfig, next: GatewayConfig): void {
  const problems = reloadProblems(current, next)
  if (problems.length > 0) throw new ConfigError(problems)
}

/**
 * A connection that stays but changes its adapter: every id it issued names it, and the new
 * adapter holds none of those records, so they would all answer "not found", and go on doing so
 * after the old file is restored (a memory connection's records are gone with its store).
 */
function adapterChanges(current: GatewayConfig, next: GatewayConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  for (const [name, connection] of next.connections) {
    const was = current.connections.get(name)?.core.adapter
    const now = connection.core.adapter
    if (was === undefined || was === now) continue
    problems.push({
      key: `connections.${name}.adapter`,
      problem:
        `changes from ${was} to ${now}, and every id connection "${name}" issued would answer "not found"; ` +
        `keep it as it is, add a new connection with adapter ${now}, and make it the tenant's active one ` +
        `(the ids of "${name}" keep working while it stays configured)`,
    })
  }
  return problems
}
