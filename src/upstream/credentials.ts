import type { Credentials } from '../kit/spec.ts'
import type { Layer } from './types.ts'

/**
 * Puts the credential's headers on each attempt. A 401 is sent again once, with what `refused`
 * gives: the token expired sooner than it said, or was revoked and refreshed. A 401 proves the CRM
 * did nothing, so a create is sent again too. The second try goes through the layers below again:
 * its own slot, breaker and rate-limit booking.
 */
export function credentialsLayer(credentials: Credentials): Layer {
  return (next) => async (attempt) => {
    const headers = await credentials.headers(attempt.options)
    const response = await next({ ...attempt, headers })
    if (response.status !== 401) {
      credentials.accepted(headers)
      return response
    }
    const renewed = await credentials.refused(headers, attempt.options)
    if (!renewed) return response
    const again = await next({ ...attempt, headers: renewed })
    if (again.status !== 401) credentials.accepted(renewed)
    return again
  }
}
