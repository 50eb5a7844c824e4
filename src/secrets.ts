/**
 * Takes configured secrets out of text the gateway did not write: a CRM's error message may quote
 * the token it was sent, and that message is relayed to Enginy and logged. pino's redaction works
 * on known log paths; this works on values, wherever they appear in a string.
 */

const REDACTED = '[redacted]'
/** Shorter values are not secrets worth the name, and would redact ordinary words. */
const MIN_LENGTH = 6

export class Scrubber {
  private readonly secrets: readonly string[]

  constructor(values: Iterable<string>) {
    const forms = new Set<string>()
    for (const value of values) {
      // A header value such as `Bearer <token>` is scrubbed whole and by its token alone, and
      // each also in the percent-encoded form a CRM may echo from a URL.
      for (const form of [value, value.split(' ').at(-1)!]) {
        if (form.length < MIN_LENGTH) continue
        forms.add(form)
        forms.add(encodeURIComponent(form))
      }
    }
    // Longest first, so a secret that contains another is removed whole.
    this.secrets = [...forms].sort((a, b) => b.length - a.length)
  }

  scrub(text: string): string {
    let clean = text
    for (const secret of this.secrets) if (clean.includes(secret)) clean = clean.split(secret).join(REDACTED)
    return clean
  }
}

/** Scrubs, then cuts to `max` characters: cutting first could leave the start of a secret. */
export function relayable(text: string, scrubber: Pick<Scrubber, 'scrub'>, max: number): string {
  return scrubber.scrub(text).slice(0, max)
}

/**
 * A request's URL as a log line may show it: the path whole, every query value replaced. A
 * client that sends its API key as `?api_key=` has leaked it to the URL already; the log need not
 * keep a copy. A parameter without `=` may be a bare token, so it goes whole.
 */
export function redactQuery(url: string): string {
  const start = url.indexOf('?')
  if (start < 0) return url
  const parameters = url
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=')
      if (equals < 0) return part && REDACTED
      return `${part.slice(0, equals)}=${REDACTED}`
    })
  return `${url.slice(0, start)}?${parameters.join('&')}`
}

const LINK_TOKEN = /^\/links\/[^/?#]+/

/**
 * A request's URL as the log shows it: the query's values redacted (`redactQuery`), and the link
 * token of a record link (`/links/<token>/…`), a capability anyone who reads it could use.
 */
export function loggableUrl(url: string): string {
  return redactQuery(url).replace(LINK_TOKEN, `/links/${REDACTED}`)
}

/** `scheme://user:password@` and `scheme://token@` anywhere in a text; up to the last `@` before the
 * host, as a password may hold an `@` its writer did not encode. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'`]*)@/gi
const MASK = '****'

/**
 * Masks the credentials a URL carries (`postgres://app:s3cret@db/crm` → `postgres://app:****@db/crm`),
 * wherever one appears in `text`: a database or Redis URL holds its password under a key whose
 * name says nothing of secrets (`url`). The user name stays, to tell accounts apart; a user part
 * without a password may itself be a token, so it is masked whole.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_whole, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':')
    return colon < 0 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`
  })
}
