import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GatewayError, UnauthorizedError } from '../errors.ts'

/**
 * Whether `authorization` carries the metrics token: as `Bearer <token>`, the way a scraper or
 * a tool sends it, or with `basic`, as HTTP Basic with the token for password and any user name,
 * the way a browser sends it after asking. Compared in constant time.
 */
export function carriesToken(authorization: string | undefined, token: string, basic = false): boolean {
  if (basic && authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon >= 0 && sameSecret(decoded.slice(colon + 1), token)
  }
  return sameSecret(authorization, `Bearer ${token}`)
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '')
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Throws unless the request carries the metrics token (`basic`: also as HTTP Basic, for a
 * browser; `challenge` is the 401's `WWW-Authenticate`). The token is a secret to guess like an
 * API key: its failures are counted and throttled alike, per client address.
 */
export function requireMetricsToken(app: FastifyInstance, request: FastifyRequest, basic = false, challenge = 'Bearer realm="metrics"'): void {
  const { authFailures, metrics } = app.gateway.current.runtime.config
  const { token } = metrics
  const admitted = app.gateway.authFailures.admit(
    request.ip,
    authFailures,
    () => (token !== undefined && carriesToken(request.headers.authorization, token, basic)) || undefined,
    () => new UnauthorizedError('metrics token', challenge),
  )
  if (admitted instanceof GatewayError) throw admitted
}
