import { isDeepStrictEqual } from 'node:util'
import type { ConfigProblem } from '../errors.ts'
import type { GatewayConfig } from './types.ts'

/**
 * Settings read once, when the gateway starts, and what a reload would leave in force if they
 * changed. Every other setting is read per request or per check, and a reload applies it.
 */
const RESTART_ONLY: readonly { readonly key: keyof GatewayConfig; readonly why: string }[] = [
  {
    key: 'coordination',
    why: 'the Redis connection, and the rate limits and idempotency keys shared through it, are set up at start',
  },
  { key: 'trustProxy', why: 'the HTTP server reads which proxies it trusts when it is built' },
]

/** The settings only a restart applies that `next` changes, each with why. */
export function restartOnlyChanges(current: GatewayConfig, next: GatewayConfig): ConfigProblem[] {
  return RESTART_ONLY.filter(({ key }) => !isDeepStrictEqual(current[key], next[key])).map(({ key, why }) => ({
    key,
    problem: `changes only at a restart (${why}); restart the gateway to apply it, or keep the value in force`,
  }))
}
