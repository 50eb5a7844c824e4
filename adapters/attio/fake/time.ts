/**
 * Attio's timestamps: written as any ISO 8601 form, UTC assumed where no zone is given, and
 * answered in UTC with nanosecond precision ("2023-01-02T13:00:00.000000000Z"). Source: the
 * timestamp value description in Attio's OpenAPI file (https://api.attio.com/openapi/api, as
 * generated in hbmartin/attio-ts-sdk src/generated/types.gen.ts, `InputValue`).
 */

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i
const ISO = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/i

/** Milliseconds since the epoch of an ISO 8601 input, or undefined when it is not one. */
export function parseTimestamp(input: string): number | undefined {
  if (!ISO.test(input)) return undefined
  // JavaScript reads a date-time without a zone as local time; Attio takes it as UTC.
  const withZone = input.includes('T') && !ZONE.test(input) ? `${input}Z` : input
  const ms = Date.parse(withZone.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isNaN(ms) || ms > Date.UTC(9999, 11, 31, 23, 59, 59, 999) ? undefined : ms
}

export function attioTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')
}
