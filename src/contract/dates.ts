/**
 * Dates as the contract states them. Accepted: a date-time with an offset, a date-time without
 * one (taken as UTC), or a date alone (midnight UTC). Every date the gateway returns has one form,
 * UTC to the second (`2024-01-15T10:00:00Z`): fractions of a second are dropped, not rounded, so
 * 23:59:59.9 stays on its day, and a CRM that keeps only seconds answers what one that keeps
 * milliseconds does. Years are 0000-9999 in UTC, the years that form can write: an offset that
 * carries a date past them makes it no date at all.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/

const FIRST = Date.parse('0000-01-01T00:00:00Z')
const LAST = Date.parse('9999-12-31T23:59:59.999Z')

/** Epoch milliseconds of an accepted date, to the second, or `undefined` when the text is not one. */
export function parseDueDate(text: string): number | undefined {
  const m = ISO.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', , zone = 'Z'] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
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
  at.setUTCHours(hour, minute, second, 0)
  const utc = at.getTime() - offsetMinutes * 60_000
  return utc >= FIRST && utc <= LAST ? utc : undefined
}

export function isDueDate(text: string): boolean {
  return parseDueDate(text) !== undefined
}

/** `2024-01-15T10:00:00Z`, or `undefined` for a moment outside years 0000-9999 (or no moment). */
export function formatUtc(epochMs: number): string | undefined {
  if (!(epochMs >= FIRST && epochMs <= LAST)) return undefined
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`
}

function daysInMonth(year: number, month: number): number {
  const last = new Date(0)
  last.setUTCFullYear(year, month, 0)
  return last.getUTCDate()
}
