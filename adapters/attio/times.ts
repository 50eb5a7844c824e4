/**
 * Attio answers timestamps in UTC to the nanosecond (`2023-01-02T13:00:00.000000000Z`, the
 * timestamp value of its OpenAPI file), also where the file says `format: date` (a comment of
 * hbmartin/attio-ts-sdk `openapi-ts.config.ts`). JavaScript's `Date.parse` promises only
 * milliseconds, so the fraction is cut to three digits first.
 */
export function parseAttioTime(value: string): number | undefined {
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isNaN(ms) ? undefined : ms
}

/** A moment as Attio takes it: ISO 8601 in UTC. */
export const attioTime = (ms: number): string => new Date(ms).toISOString()
