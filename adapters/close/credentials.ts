import type { Credentials } from '../../src/kit/spec.ts'

/**
 * Close's API key as HTTP Basic, the key as user name and an empty password (`curl -u key:`,
 * developer.close.com/api/overview/authentication). A credential rather than a fixed header, so
 * that the key is scrubbed in every form a CRM's text could echo: the header, its base64, and the
 * key itself. A key does not expire: a 401 has nothing newer to try.
 */
export function apiKeyCredentials(apiKey: string): Credentials {
  const encoded = Buffer.from(`${apiKey}:`).toString('base64')
  const headers = { authorization: `Basic ${encoded}` }
  const secrets = [headers.authorization, encoded, apiKey, encodeURIComponent(apiKey)].sort((a, b) => b.length - a.length)
  return {
    headers: async () => headers,
    refused: async () => undefined,
    accepted: () => {},
    scrub: (text) => secrets.reduce((clean, secret) => clean.split(secret).join('[REDACTED]'), text),
  }
}
