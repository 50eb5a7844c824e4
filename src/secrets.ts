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
export function relayable(text: string, scrubber: Scrubber, max: number): string {
  return scrubber.scrub(text).slice(0, max)
}
