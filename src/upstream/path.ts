import { InternalError } from '../errors.ts'

/**
 * Paths to a CRM are built here and nowhere else: from a template an adapter writes
 * (`/crm/objects/2026-09/tasks/{taskId}`, or `/task/{id}/` with a trailing slash) and parameters that may come from a caller or from a CRM's
 * answer. Each parameter fills one whole segment, percent-encoded, so a `/`, `?`, `#` or `%` in
 * it stays inside that segment. `.` and `..` are refused because URL parsers resolve them even
 * inside a template, and empty values and control characters because no record id holds them.
 * A refusal happens before any byte is sent: it means an adapter let an unchecked value through.
 */

const PLACEHOLDER = /^\{([A-Za-z][A-Za-z0-9]*)\}$/
/** What a template's fixed segments may hold: unreserved characters and a few sub-delimiters. */
const LITERAL = /^[A-Za-z0-9_~:@!$&'()*+,;=-]+(\.[A-Za-z0-9_~:@!$&'()*+,;=-]+)*$/
const CONTROL = /\p{Cc}/u
const MAX_PARAM = 1024

function unsafe(route: string, problem: string, options?: ErrorOptions): InternalError {
  return new InternalError(`upstream path refused before sending: ${route}: ${problem}`, options)
}

/** Routes are a fixed set per adapter; the bound keeps a route built with an id in it from
 * growing the map. */
const parsed = new Map<string, readonly (string | { name: string })[]>()
const MAX_ROUTES = 1000

function segments(route: string): readonly (string | { name: string })[] {
  let known = parsed.get(route)
  if (known) return known
  if (!route.startsWith('/')) throw unsafe(route, 'a route starts with "/"')
  const parts = route.slice(1).split('/')
  // A trailing slash is part of some APIs' paths (every Close path ends in one): the empty last
  // segment is kept as written, while an empty segment anywhere else is refused below.
  const trailing = parts.length > 1 && parts.at(-1) === ''
  known = (trailing ? parts.slice(0, -1) : parts)
    .map((segment) => {
      const placeholder = PLACEHOLDER.exec(segment)
      if (placeholder) return { name: placeholder[1]! }
      if (!LITERAL.test(segment)) throw unsafe(route, `segment "${segment}" is not a plain path segment`)
      return segment
    })
  if (trailing) known = [...known, '']
  if (parsed.size < MAX_ROUTES) parsed.set(route, known)
  return known
}

/** The path for `route` with each `{name}` replaced by `params[name]`, encoded as one segment. */
export function fillRoute(route: string, params: Readonly<Record<string, string>> = {}): string {
  const used = new Set<string>()
  const path = segments(route).map((segment) => {
    if (typeof segment === 'string') return segment
    const value = params[segment.name]
    if (value === undefined) throw unsafe(route, `no value for {${segment.name}}`)
    if (value === '' || value === '.' || value === '..' || value.length > MAX_PARAM || CONTROL.test(value)) {
      throw unsafe(route, `{${segment.name}} is empty, a dot segment, too long or holds a control character`)
    }
    used.add(segment.name)
    try {
      return encodeURIComponent(value)
    } catch (error) {
      throw unsafe(route, `{${segment.name}} is not well-formed Unicode`, { cause: error })
    }
  })
  for (const name of Object.keys(params)) {
    if (!used.has(name)) throw unsafe(route, `{${name}} is not in the route`)
  }
  return `/${path.join('/')}`
}
