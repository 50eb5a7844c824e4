import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The HTTP Basic credentials of a connection's webhooks: derived from its config (adapter options,
 * CRM credentials included) by an HMAC, so every replica with that config derives the same ones
 * without storing a secret, and a changed config (a new token) makes new ones, which the adapter's
 * subscribe then puts in place of the old. The user names the derivation, so the adapter can tell
 * its subscriptions of older credentials apart; the password is never logged.
 */
export function webhookCredentials(connection: string, config: unknown): { user: string; password: string } {
  const key = JSON.stringify(config)
  const tag = createHmac('sha256', key).update(`enginy-mirror-webhook-user\u0000${connection}`).digest('hex').slice(0, 12)
  const password = createHmac('sha256', key).update(`enginy-mirror-webhook-password\u0000${connection}`).digest('base64url')
  return { user: `enginy-${tag}`, password }
}

/** Whether an `Authorization` header carries exactly these credentials, compared in constant time. */
export function carries(authorization: string | undefined, expected: { user: string; password: string }): boolean {
  const given = Buffer.from(/^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(authorization ?? '')?.[1] ?? '', 'base64')
  const wanted = Buffer.from(`${expected.user}:${expected.password}`)
  // Compared at the wanted length whatever was given, so the time says nothing of how much matched.
  const padded = Buffer.alloc(wanted.length)
  given.copy(padded)
  return timingSafeEqual(padded, wanted) && given.length === wanted.length
}
