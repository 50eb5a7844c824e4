import { decodeHTML } from 'entities'

/**
 * Plain text in and out of CRM fields that hold HTML (HubSpot's `hs_task_body`, Pipedrive's
 * `note`). Enginy's descriptions are plain text: written, they are escaped and their line breaks
 * become `<br>`, so a `<b>` typed by a user shows as text; read, tags are dropped, `<br>` and block
 * ends become line breaks and entities are decoded. Text the gateway wrote reads back unchanged.
 *
 * Both directions take time linear in the input: the HTML is a CRM's answer, and a body of a
 * megabyte of `<` must not hold the event loop (a regular expression like `/<[^>]*>/g` rescans
 * the rest of the text from every `<` that has no `>` after it).
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Enginy's plain text as HTML a CRM shows as that text: escaped, its line breaks `<br>`. */
export function textToHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\r?\n/g, '<br>')
}

const LINE_BREAK = /^br\s*\/?$/i
const BLOCK_END = /^\/(p|div|li|h[1-6])\s*$/i
const WHITESPACE = /\s/

/** A CRM's HTML as plain text: tags dropped, `<br>` and block ends as line breaks, entities decoded. */
export function htmlToText(html: string): string {
  const out: string[] = []
  let at = 0
  while (at < html.length) {
    const open = html.indexOf('<', at)
    if (open < 0) break
    const close = html.indexOf('>', open + 1)
    // No `>` anywhere after: the rest is text, and no later `<` can open a tag either.
    if (close < 0) break
    out.push(html.slice(at, open))
    at = close + 1
    const tag = html.slice(open + 1, close)
    if (LINE_BREAK.test(tag)) {
      out.push('\n')
    } else if (BLOCK_END.test(tag)) {
      // A block end separates what follows from what came before; the whitespace after it is
      // layout, and a block end with nothing after it adds nothing.
      while (at < html.length && WHITESPACE.test(html[at]!)) at++
      if (at < html.length) out.push('\n')
    }
  }
  out.push(html.slice(at))
  return decodeHTML(out.join(''))
}
