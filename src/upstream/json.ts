import type { Static, TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { UpstreamBadResponseError } from '../errors.ts'
import { parseBody } from './status.ts'
import type { UpstreamRequest, UpstreamResponse } from '../kit/spec.ts'

const checks = new WeakMap<TSchema, TypeCheck<TSchema>>()

function compiled(schema: TSchema): TypeCheck<TSchema> {
  let check = checks.get(schema)
  if (!check) {
    check = TypeCompiler.Compile(schema)
    checks.set(schema, check)
  }
  return check
}

/**
 * The body of a successful answer, checked against `schema`. A body that does not match is a
 * 502: an adapter never maps half a task, and ids in an answer are checked by the schema before
 * any later call can put them in a path.
 */
export function parseJson<S extends TSchema>(
  connection: string,
  request: UpstreamRequest,
  response: UpstreamResponse,
  schema: S,
): Static<S> {
  const body = parseBody(response.text)
  if (body === undefined || !compiled(schema).Check(body)) {
    throw new UpstreamBadResponseError(
      `the CRM of connection "${connection}" sent a malformed answer to ${request.method} ${request.route} (status ${response.status})`,
    )
  }
  return body as Static<S>
}
