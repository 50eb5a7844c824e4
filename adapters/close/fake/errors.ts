import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Step } from './http.ts'

/**
 * Close's error answers, in its own shapes (the wording is the fake's):
 * - a missing record or route: 404 `{"error": "..."}`; a malformed id is "missing" too, not a
 *   400 (nested-tech/closex, test/fixtures/vcr_cassettes/get_lead_unknown.json: `GET /lead/wibble/`);
 * - a bad credential: 401 `{"error": "..."}` (same repository, get_lead_invalid_key.json);
 * - a refused body: 400 `{"errors": [...], "field-errors": {field: message}}` (create_lead_error.json,
 *   and closeio/closeio-api's `ValidationError`, which reads both keys); a reference to a record that
 *   does not exist is a field error on the reference without `_id`: `{"lead": "Object does not
 *   exist."}` for a task's `lead_id` (create_task_with_invalid_lead.json), `{"lead": "This field is
 *   required."}` when it is missing (create_opportunity_no_lead.json);
 * - a method a path does not take: 405 (developer.close.com/api/overview/http-response-codes).
 */
export const closeError = {
  notFound: (what: string): Step => ({ status: 404, body: { error: `No ${what} matches this request.` } }),
  unauthorized: (): Step => ({ status: 401, body: { error: 'The credentials sent are not an API key of this organization.' } }),
  fields: (fieldErrors: Record<string, string>): Step => ({ status: 400, body: { errors: [], 'field-errors': fieldErrors } }),
  general: (message: string): Step => ({ status: 400, body: { errors: [message], 'field-errors': {} } }),
  methodNotAllowed: (): Step => ({ status: 405, body: { error: 'This path does not take that method.' } }),
}

/** Messages Close uses for references, generic enough to be its own words and ours. */
export const REQUIRED = 'This field is required.'
export const MISSING_OBJECT = 'Object does not exist.'

/**
 * Checks request bodies and queries against the fake's own schemas, written from Close's reference.
 * A refusal is Close's 400 and, unless it is about the caller's data rather than the request's
 * form, a violation: a request the gateway must never make, which the tests assert never happens.
 */
export class Validator {
  readonly violations: string[] = []

  check(schema: TSchema, value: unknown, operation: string): Step | undefined {
    const first = Value.Errors(schema, value).First()
    if (!first) return undefined
    const field = first.path.split('/').filter(Boolean)[0] ?? 'body'
    return this.refuse(operation, { [field]: `${first.path || '/'} ${first.message}` })
  }

  /** A 400 with field errors; a violation unless `caller` (the data was the caller's to get wrong). */
  refuse(operation: string, fieldErrors: Record<string, string>, caller = false): Step {
    if (!caller) this.violations.push(`${operation}: ${JSON.stringify(fieldErrors)}`)
    return closeError.fields(fieldErrors)
  }

  /** A 400 with a general error, for a request that is wrong as a whole. */
  refuseWhole(operation: string, message: string): Step {
    this.violations.push(`${operation}: ${message}`)
    return closeError.general(message)
  }

  /** A request Close takes, but the gateway must never send: answered as Close would, recorded. */
  flag(operation: string, problem: string): void {
    this.violations.push(`${operation}: ${problem}`)
  }
}
