import { describe, expect, it } from 'vitest'
import { formatUtc, parseDueDate } from '../../src/contract/dates.ts'

describe('dates', () => {
  it.each([
    ['2024-01-15T10:00:00Z', '2024-01-15T10:00:00Z'],
    ['2024-01-15T12:00:00+02:00', '2024-01-15T10:00:00Z'],
    ['2024-01-15T12:00:00+0200', '2024-01-15T10:00:00Z'],
    ['2024-01-15T05:30:00-04:30', '2024-01-15T10:00:00Z'],
    ['2024-01-15T10:00:00', '2024-01-15T10:00:00Z'],
    ['2024-01-15T10:00', '2024-01-15T10:00:00Z'],
    ['2024-01-15', '2024-01-15T00:00:00Z'],
    ['2024-01-15T10:00:00.5Z', '2024-01-15T10:00:00Z'],
    ['2024-01-15T23:59:59.999999Z', '2024-01-15T23:59:59Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['0000-02-29', '0000-02-29T00:00:00Z'],
    ['0050-01-01', '0050-01-01T00:00:00Z'],
    ['2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
    ['0000-01-01T23:00:00+23:00', '0000-01-01T00:00:00Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59Z'],
    ['9999-12-31T23:59:59+23:59', '9999-12-31T00:00:59Z'],
  ])('reads %s as %s', (given, expected) => {
    expect(formatUtc(parseDueDate(given)!)).toBe(expected)
  })

  it.each(['', 'tomorrow', '2024-1-15', '2023-02-29', '2024-04-31', '2024-01-15T24:00:00Z', '2024-01-15T10:60:00Z',
    '2024-01-15T10:00:00+24:00', '2024-01-15T10:00:00 Z', '15/01/2024', '2024-01-15T10:00:00Zjunk', '0100-02-29'])(
    'refuses %j',
    (given) => {
      expect(parseDueDate(given)).toBeUndefined()
    },
  )

  // Issue 16: this came back as `+010000-01-01T23:58:59Z`, a form no caller reads as a date.
  it.each(['9999-12-31T23:59:59-23:59', '9999-12-31T00:01:00-23:59', '0000-01-01T00:00:00+00:01', '0000-01-01T23:58:59+23:59'])(
    'refuses %s, whose year in UTC is outside 0000-9999',
    (given) => {
      expect(parseDueDate(given)).toBeUndefined()
    },
  )

  it('writes every date in one form: UTC to the second, fractions dropped, never rounded up', () => {
    for (const ms of [Date.UTC(2024, 0, 15, 10), Date.UTC(2024, 0, 15, 10, 0, 0, 7), Date.UTC(2024, 0, 15, 10, 0, 0, 999)]) {
      expect(formatUtc(ms)).toBe('2024-01-15T10:00:00Z')
    }
    expect(formatUtc(-500)).toBe('1969-12-31T23:59:59Z')
    expect(formatUtc(Date.parse('0000-01-01T00:00:00Z'))).toBe('0000-01-01T00:00:00Z')
  })

  it('has no form for a moment outside years 0000-9999, nor for no moment', () => {
    for (const ms of [Date.parse('0000-01-01T00:00:00Z') - 1, Date.parse('+010000-01-01T00:00:00Z'), Number.NaN, Number.POSITIVE_INFINITY, 8.64e15]) {
      expect(formatUtc(ms), String(ms)).toBeUndefined()
    }
  })
})
