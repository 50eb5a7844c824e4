import type { KindPlan } from './field-plan.ts'
import { customKey } from './field-plan.ts'

/** A record's standard fields kept in custom fields, and its extra fields, as body keys. */
export function customBody<F>(plan: KindPlan<F>, fields: Record<string, unknown>, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [name, id] of Object.entries(plan.custom) as [string, string][]) {
    if (fields[name] !== undefined) body[customKey(id)] = fields[name]
  }
  for (const [id, value] of Object.entries(extra ?? {})) body[customKey(id)] = value
  return body
}

/** The same values read back from an answer's `custom.cf_…` keys. */
export function customFields<F>(plan: KindPlan<F>, answer: Record<string, unknown>): { fields: Record<string, unknown>; extra?: Record<string, unknown> } {
  const fields: Record<string, unknown> = {}
  for (const [name, id] of Object.entries(plan.custom) as [string, string][]) {
    const value = answer[customKey(id)]
    if (value !== undefined && value !== null) fields[name] = value
  }
  const extra = Object.fromEntries(plan.extra.flatMap((id) => (answer[customKey(id)] == null ? [] : [[id, answer[customKey(id)]]])))
  return { fields, ...(Object.keys(extra).length > 0 && { extra }) }
}

/** The custom keys an answer must hold for `customFields`: named in `_fields`. */
export function customKeys<F>(plan: KindPlan<F>): string[] {
  return [...new Set([...(Object.values(plan.custom) as string[]), ...plan.extra])].map(customKey)
}
