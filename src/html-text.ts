/**
 * Plain text in and out of CRM fields that hold HTML (HubSpot's `hs_task_body`, Pipedrive's
 * `note`). Enginy's descriptions are plain text: written, they are escaped and their line breaks
 * become `<br>`, so a `<b>` typed by a user shows as text; read, tags are dropped, block ends
 * become line breaks and entities are decoded. Text the gateway wrote reads back unchanged.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

export function textToHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\r?\n/g, '<br>')
}

export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>\s*(?=.)/gis, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
      if (code[0] === '#') {
        const point = code[1] === 'x' || code[1] === 'X' ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1))
        return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity
      }
      return NAMED[code.toLowerCase()] ?? entity
    })
}
