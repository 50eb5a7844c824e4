import type { Step } from './http.ts'

/**
 * Attio's error body: `{status_code, type, code, message}` on every error, as its OpenAPI file
 * declares for each operation (https://api.attio.com/openapi/api; the generated
 * hbmartin/attio-ts-sdk src/generated/types.gen.ts lists every `*Errors` type) and its
 * rate-limiting guide shows (https://docs.attio.com/rest-api/guides/rate-limiting).
 */
export function attioError(status: number, type: string, code: string, message: string, headers?: Record<string, string>): Step {
  return { status, ...(headers ? { headers } : {}), body: { status_code: status, type, code, message } }
}

export const notFound = (message: string): Step => attioError(404, 'invalid_request_error', 'not_found', message)

/** The 400 of a body or query of the wrong shape (`validation_type` in the OpenAPI file). */
export const invalid = (message: string): Step => attioError(400, 'invalid_request_error', 'validation_type', message)

/** A value naming an attribute, option or record the workspace lacks (`value_not_found`). */
export const valueNotFound = (message: string): Step => attioError(400, 'invalid_request_error', 'value_not_found', message)

/** A filter or sort the query endpoint cannot run (`filter_error`). */
export const filterError = (message: string): Step => attioError(400, 'invalid_request_error', 'filter_error', message)

/** A write to an attribute that is not writable (`immutable_value` in the OpenAPI file). */
export const immutable = (message: string): Step => attioError(400, 'invalid_request_error', 'immutable_value', message)

/** An assert whose matching value finds several records (`multiple_match_results`). */
export const multipleMatches = (message: string): Step => attioError(400, 'invalid_request_error', 'multiple_match_results', message)

/**
 * A create or update that would give a unique attribute a value another record holds. The
 * reference says the create endpoint "will throw on conflicts of unique attributes"
 * (https://docs.attio.com/rest-api/endpoint-reference/records/create-a-record) without showing
 * the answer: the status and code here are assumed, not checked against a live workspace.
 */
export const uniquenessConflict = (message: string): Step => attioError(400, 'invalid_request_error', 'uniqueness_conflict', message)

/**
 * A missing or unknown bearer token. The OpenAPI file documents no 401 body; `auth_error` is the
 * type it gives its other authorization errors (403 `unauthorized`), so this shape is assumed.
 */
export const unauthorized = (): Step => attioError(401, 'auth_error', 'unauthorized', 'Authentication failed: the bearer token is missing or not valid.')

/** A server failure the tests ask for (Attio documents no 5xx body: the shape is assumed). */
export const serverError = (status: number): Step => attioError(status, 'api_error', 'internal_error', 'An internal error occurred.')
