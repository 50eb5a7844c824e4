import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { ConfigError } from '../errors.ts'
import type { GatewayConfig } from './load.ts'

/**
 * A gateway with no API key would answer 401 to everyone, or worse, be left open. Outside
 * production we make one up for the default tenant and print it once, so `npm start` works at
 * once; in production we refuse to start. (Configured tenants always need their own keys.)
 */
export function ensureApiKeys(config: GatewayConfig, env: NodeJS.ProcessEnv, logger: Logger): GatewayConfig {
  const [tenant, ...others] = config.tenants
  if (!tenant || others.length > 0 || tenant.apiKeys.length > 0) return config
  if (env.NODE_ENV === 'production') {
    throw new ConfigError('auth.apiKeys', 'no API key is configured; set GATEWAY_API_KEYS (comma-separated) before starting in production')
  }
  const key = randomBytes(24).toString('base64url')
  logger.warn(
    { generatedApiKey: key },
    'no API key configured: generated one for this run (set GATEWAY_API_KEYS to choose your own; production refuses to start without one)',
  )
  return { ...config, tenants: [{ ...tenant, apiKeys: [key] }] }
}
