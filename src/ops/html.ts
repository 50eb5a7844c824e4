/** Markup made by `html`, whose values are escaped already: it goes into other markup as it is. */
export class Markup {
  constructor(readonly text: string) {}
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!)
}

function render(value: unknown): string {
  if (value instanceof Markup) return value.text
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === undefined || value === null || value === false) return ''
  return escapeHtml(String(value))
}

/**
 * A template whose every value is escaped, unless it is `Markup` made by this same function: a
 * name from the config (a tenant, a connection) or from a CRM's answer cannot open a tag or an
 * attribute, wherever it lands. Lists are joined; `undefined`, `null` and `false` leave nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let text = strings[0]!
  for (const [i, value] of values.entries()) text += render(value) + strings[i + 1]!
  return new Markup(text)
}
