import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import type { GatewayConfig } from './types.ts'
import type { Problems } from './problems.ts'

/** The shortest key production takes: a key a person can type from memory can be guessed. */
export const MIN_PRODUCTION_KEY_LENGTH = 16

/**
 * Production's rules for the keys at `place` (`auth.apiKeys`, `tenants.<name>.apiKeys`): at least
 * one, since a gateway without a key answers 401 to everyone, and each long enough. The same rules
 * hold at start and at reload, so a reload cannot revoke every key or bring in a short one. A key
 * is named by its place in the list, never by its value: the message is logged.
 */
export function checkKeys(place: string, keys: readonly string[], env: NodeJS.ProcessEnv, problems: Problems): void {
  if (env.NODE_ENV !== 'production') return
  if (keys.length === 0) {
    problems.add(
      place,
      'no API key is configured; set GATEWAY_API_KEYS (comma-separated): in production a gateway without one would answer 401 to every request (to revoke the keys in force, configure new ones)',
    )
  }
  for (const [i, key] of keys.entries()) {
    if (key.length < MIN_PRODUCTION_KEY_LENGTH) {
      problems.add(`${place}[${i}]`, `is shorter than ${MIN_PRODUCTION_KEY_LENGTH} characters, which production refuses (make one with: openssl rand -base64 24)`)
    }
  }
}

/**
 * Outside production a config with no key for its default tenant gets one made up and printed
 * once, so `npm start` works at once (production has refused such a config in `checkKeys`). A
 * reload of such a config keeps the key made up before, instead of locking its holder out; a key
 * that was configured is never kept: removing it from the file revokes it.
 */
export function ensureApiKeys(config: GatewayConfig, logger: Pick<Logger, 'warn'>, previous?: GatewayConfig): GatewayConfig {
  const [tenant, ...others] = config.tenants
  if (!tenant || others.length > 0 || tenant.apiKeys.length > 0) return config
  const [before, ...othersBefore] = previous?.tenants ?? []
  if (before?.keyGenerated && othersBefore.length === 0 && before.name === tenant.name) {
    return { ...config, tenants: [{ ...tenant, apiKeys: before.apiKeys, keyGenerated: true }] }
  }
  const key = randomBytes(24).toString('base64url')
  logger.warn(
    { generatedApiKey: key },
    'no API key configured: generated one for this run (set GATEWAY_API_KEYS to choose your own; production refuses to start without one)',
  )
  return { ...config, tenants: [{ ...tenant, apiKeys: [key], keyGenerated: true }] }
}
