import type { CallOptions } from '../adapter/common.ts'
import type { Layer } from './types.ts'

export type CredentialHeaders = Readonly<Record<string, string>>

/**
 * A credential that changes while the connection lives (an OAuth access token), where fixed
 * `headers` will not do. The client asks it for headers before every attempt, so a refreshed
 * token is used from the next attempt on.
 */
export interface Credentials {
  /** The headers that carry the credential; may wait for a refresh when the credential has expired. */
  headers(options: CallOptions): Promise<CredentialHeaders>
  /**
   * The CRM answered 401 to `sent`: the headers to send the call once more with (a refreshed
   * credential, or one another call refreshed meanwhile), or `undefined` when there is nothing new.
   */
  refused(sent: CredentialHeaders, options: CallOptions): Promise<CredentialHeaders | undefined>
  /** The CRM answered `sent` with anything but a 401: it took the credential. */
  accepted(sent: CredentialHeaders): void
  /** Removes every secret the credential has held from a text. */
  scrub(text: string): string
}

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
