import type { Validator } from './errors.ts'
import type { Step } from './http.ts'

/**
 * Offset pages, as Close's list endpoints give them: `_skip` and `_limit` (default 100), an answer of
 * `{data, has_more}`, a 400 above a per-resource maximum of `_limit`, and a per-resource cap on
 * `_skip` (developer.close.com/api/overview/pagination). Neither number is published. The maxima
 * here are the page sizes Airbyte's Close connector asks for (airbytehq/airbyte,
 * airbyte-integrations/connectors/source-close-com/source_close_com/source.py: leads 200, contacts
 * and activities 100, tasks and users 1,000); the `_skip` cap is a guess a test can lower. Past it
 * Close answers a 400 whose message says the offset must be "less than or equal to" its cap (the
 * message Airbyte's manifest.yaml matches, "offset exceeds the API's per-resource `_skip`
 * pagination cap").
 */
const MAX_LIMIT = { lead: 200, contact: 100, task: 1000, activity: 100, user: 1000, custom_field: 1000 } as const

type Listed = keyof typeof MAX_LIMIT

const DEFAULT_LIMIT = 100

export function offsetPage<T>(
  items: readonly T[],
  query: Record<string, string>,
  resource: Listed,
  maxSkip: number,
  v: Validator,
  operation: string,
  show: (item: T) => unknown,
): Step {
  const limit = query._limit === undefined ? DEFAULT_LIMIT : Number(query._limit)
  const skip = query._skip === undefined ? 0 : Number(query._skip)
  if (limit < 1 || limit > MAX_LIMIT[resource]) {
    return v.refuse(operation, { _limit: `must be at least 1 and less than or equal to ${MAX_LIMIT[resource]}` })
  }
  if (skip > maxSkip) return v.refuse(operation, { _skip: `must be less than or equal to ${maxSkip}` })
  const page = items.slice(skip, skip + limit)
  return { status: 200, body: { data: page.map(show), has_more: skip + page.length < items.length } }
}

/** `_fields=id,name`: only those fields of each object (developer.close.com/api/overview/fields). */
export function project(object: Record<string, unknown>, fields: string | undefined): Record<string, unknown> {
  if (fields === undefined) return object
  const wanted = fields.split(',').map((field) => field.trim())
  return Object.fromEntries(wanted.filter((field) => field in object).map((field) => [field, object[field]]))
}
