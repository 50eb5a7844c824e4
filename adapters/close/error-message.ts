import type { ErrorMessagePicker } from '../../src/kit/spec.ts'

/**
 * Close's error bodies (FACTS.md, "Errors"): `{"error": "..."}` for a missing record or a bad key,
 * `{"errors": [...], "field-errors": {"field": "message"}}` for a refused body, references keyed
 * without `_id` (`lead`, `contact`). Each field error is led by its field, so the core's 422 says
 * which value Close refused.
 */
export const closeErrorMessage: ErrorMessagePicker = (body) => {
  const { error, errors, 'field-errors': fieldErrors } = body as { error?: unknown; errors?: unknown; 'field-errors'?: unknown }
  if (typeof error === 'string') return error
  const general = Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : []
  const fields =
    typeof fieldErrors === 'object' && fieldErrors !== null ? Object.entries(fieldErrors).map(([field, message]) => `${field}: ${String(message)}`) : []
  const all = [...general, ...fields]
  return all.length > 0 ? all.join('; ') : undefined
}
