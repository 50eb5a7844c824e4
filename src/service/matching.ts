import type { Lookup, NativeRecord } from '../kit/spec.ts'

/**
 * How the gateway decides that a record Enginy sends is one the CRM already holds. Enginy sends
 * values as its users typed them and leaves matching to us; these are the rules, in one place,
 * for every adapter (an adapter's `doFind` may return more; every match is checked here again).
 *
 * - contacts: by e-mail, then by LinkedIn URL;
 * - companies: by domain, then by LinkedIn URL, then by name;
 * - and first of all, where the adapter keeps it, by Enginy's own `externalId`: a record Enginy
 *   exported before is that record, whatever its e-mail or domain became since.
 *
 * Several records matching one value: the oldest wins (`createdAt`), then the smallest id
 * (numerically where both are numbers), so the same request always gets the same answer.
 */

/** Each lookup's normal form, or `undefined` when nothing is left to compare. */
export const normalize: Readonly<Record<Lookup, (value: string) => string | undefined>> = {
  /** Enginy's own id of the record, as sent, trimmed: a record Enginy exported before. */
  externalId: (value) => nonEmpty(value.trim()),
  /** Trimmed and lower-cased: `  Ana@Acme.IO ` is `ana@acme.io`. */
  email: (value) => nonEmpty(value.trim().toLowerCase()),
  /**
   * Without protocol, `www.` (or a country's `xx.`), query, fragment or trailing slash, in lower
   * case: `https://www.linkedin.com/in/Ana-Ruiz/?utm=x` is `linkedin.com/in/ana-ruiz`.
   */
  linkedinUrl: (value) =>
    nonEmpty(
      value
        .trim()
        .toLowerCase()
        .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
        .replace(/[?#].*$/, '')
        .replace(/^(www|[a-z]{2})\.(?=linkedin\.)/, '')
        .replace(/\/+$/, ''),
    ),
  /**
   * Lower case, without protocol, `www.`, port, path, query or a trailing dot:
   * `https://www.Acme.com:443/about` is `acme.com`.
   */
  domain: (value) =>
    nonEmpty(
      value
        .trim()
        .toLowerCase()
        .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
        .replace(/^[^/?#]*@/, '')
        .replace(/[/?#].*$/, '')
        .replace(/:\d*$/, '')
        .replace(/^www\./, '')
        .replace(/\.$/, '')
        .trim(),
    ),
  /** Trimmed, inner spaces collapsed, lower case: `  Acme   Inc ` is `acme inc`. */
  name: (value) => nonEmpty(value.trim().replace(/\s+/g, ' ').toLowerCase()),
}

export const CONTACT_LOOKUPS: readonly Lookup[] = ['externalId', 'email', 'linkedinUrl']
export const COMPANY_LOOKUPS: readonly Lookup[] = ['externalId', 'domain', 'linkedinUrl', 'name']
/** The keys a create never makes a second record for. */
export const CONTACT_UNIQUE: readonly Lookup[] = ['externalId', 'email']
export const COMPANY_UNIQUE: readonly Lookup[] = ['externalId', 'domain']

/** The normal form of a record's `by` field, if it has one. */
export function keyOf(record: object, by: Lookup): string | undefined {
  const value = (record as Record<string, unknown>)[by]
  return typeof value === 'string' ? normalize[by](value) : undefined
}

/** Of several records that match, the one the rules above choose. */
export function chooseMatch<R extends NativeRecord<object>>(matches: readonly R[]): R | undefined {
  let best: R | undefined
  for (const record of matches) if (!best || older(record, best)) best = record
  return best
}

function older(a: NativeRecord<object>, b: NativeRecord<object>): boolean {
  const at = a.createdAt ?? Number.POSITIVE_INFINITY
  const bt = b.createdAt ?? Number.POSITIVE_INFINITY
  if (at !== bt) return at < bt
  if (/^\d+$/.test(a.id) && /^\d+$/.test(b.id) && a.id.length !== b.id.length) return a.id.length < b.id.length
  return a.id < b.id
}

function nonEmpty(value: string): string | undefined {
  return value.length > 0 ? value : undefined
}
