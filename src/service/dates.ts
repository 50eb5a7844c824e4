/**
 * Due dates as the contract states them: a date-time with an offset, a date-time without one
 * (taken as UTC), or a date alone (midnight UTC). Output is always UTC with a `Z`, milliseconds
 * only when they are not zero.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/

/** Epoch milliseconds of an accepted due date, or `undefined` when the text is not one. */
export function parseDueDate(text: string): number | undefined {
  const m = ISO.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0
  let offsetMinutes = 0
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = Number(digits.slice(2))
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = sign * (oh * 60 + om)
  }
  const at = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  at.setUTCFullYear(year, month - 1, day)
  at.setUTCHours(hour, minute, second, ms)
  return at.getTime() - offsetMinutes * 60_000
}

export function isDueDate(text: string): boolean {
  return parseDueDate(text) !== undefined
}

/** `2024-01-15T10:00:00Z`, or `2024-01-15T10:00:00.250Z` when milliseconds are not zero. */
export function formatUtc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString()
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}
