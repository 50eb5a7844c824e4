/** Pipedrive's times: RFC 3339 on v2, `YYYY-MM-DD HH:MM:SS` in UTC on v1. */

/** Epoch milliseconds of either form, or `undefined`. */
export function parseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const normalized = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`
  const ms = Date.parse(normalized)
  return Number.isNaN(ms) ? undefined : ms
}

/** RFC 3339 in UTC to the second, as v2's `updated_since` takes it. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A moment as Pipedrive's `due_date` and `due_time` (UTC; seconds only when there are some). */
export function dueParts(ms: number): { due_date: string; due_time: string } {
  const iso = new Date(ms).toISOString()
  return { due_date: iso.slice(0, 10), due_time: iso.slice(17, 19) === '00' ? iso.slice(11, 16) : iso.slice(11, 19) }
}
