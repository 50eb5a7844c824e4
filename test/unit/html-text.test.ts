import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { htmlToText, textToHtml } from '../../src/adapter/html-text.ts'

describe('plain text in HTML fields', () => {
  it.each([
    ['a < b & c > d', 'a &lt; b &amp; c &gt; d'],
    ['<b>not bold</b>', '&lt;b&gt;not bold&lt;/b&gt;'],
    ['line 1\nline 2\r\nline 3', 'line 1<br>line 2<br>line 3'],
    [`"quoted" and 'single'`, '&quot;quoted&quot; and &#39;single&#39;'],
  ])('writes %j as %j', (text, html) => {
    expect(textToHtml(text)).toBe(html)
    expect(htmlToText(html)).toBe(text.replace(/\r\n/g, '\n'))
  })

  it('reads HTML a CRM user wrote as plain text', () => {
    expect(htmlToText('<p>Call <strong>Ann</strong></p><p>then&nbsp;email &#x263A; &#9731;</p>')).toBe(
      'Call Ann\nthen\u00a0email \u263a \u2603',
    )
  })

  it('reads back any text it wrote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(htmlToText(textToHtml(text))).toBe(text.replace(/\r\n/g, '\n'))
      }),
      { numRuns: 2000 },
    )
  })

  // A CRM controls this HTML: each of these took a regular expression minutes (quadratic
  // backtracking from every "<" with no ">" after it). Linear, each takes milliseconds. No test
  // asserts a time (these machines are noisy): the test's timeout is the guard, far above linear
  // time and far below the minutes quadratic time needs.
  const MB = 1024 * 1024
  const HANG_GUARD_MS = 20_000
  it.each([
    ['"<" alone', '<'.repeat(MB)],
    ['"<br" and spaces', `<br${' '.repeat(MB)}`],
    ['block ends and spaces', '</p>'.repeat(MB / 8) + ' '.repeat(MB / 2)],
    ['an unclosed block end', `</p${' '.repeat(MB)}`],
    ['"&" and "#"', '&#'.repeat(MB / 2)],
    ['tags', '<b>x</b>'.repeat(MB / 8)],
  ])(
    'reads 1 MB of %s in linear time',
    (_name, html) => {
      expect(htmlToText(html).length).toBeLessThanOrEqual(html.length)
    },
    HANG_GUARD_MS,
  )

  it(
    'writes 1 MB of markup characters in linear time, and reads it back',
    () => {
      const text = '<>&"\'\n'.repeat(MB / 6)
      expect(htmlToText(textToHtml(text))).toBe(text)
    },
    HANG_GUARD_MS,
  )
})
