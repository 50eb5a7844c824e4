import type { Static, TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { UpstreamBadResponseError, UpstreamRejectedError } from '../errors.ts'
import type { UpstreamRequest, UpstreamResponse } from './types.ts'

/** Picks the CRM's own human message out of a parsed error body, or `undefined`. */
export type ErrorMessagePicker = (body: unknown) => string | undefined

const checks = new WeakMap<TSchema, TypeCheck<TSchema>>()

function compiled(schema: TSchema): TypeCheck<TSchema> {
  let check = checks.get(schema)
  if (!check) {
    check = TypeCompiler.Compile(schema)
    checks.set(schema, check)
  }
  return check
}

const MAX_MESSAGE = 500

/**
 * Turns a response that `send` let through (below 500, not 401/403/429) into data checked
 * against `schema`, `null` for an allowed 404, or a typed error. A body that does not match is a
 * 502: an adapter never maps half a task.
 */
export function parseJson<S extends TSchema>(
  connection: string,
  request: UpstreamRequest,
  response: UpstreamResponse,
  schema: S,
  options: { notFound: boolean; errorMessage?: ErrorMessagePicker },
): Static<S> | null {
  const { status } = response
  const body = tryParse(response.text)
  if (status === 404 && options.notFound) return null
  if (status >= 400) {
    const picked = body === undefined ? undefined : options.errorMessage?.(body)
    const message = (picked ?? `${request.method} ${request.route} answered ${status}`).slice(0, MAX_MESSAGE)
    throw new UpstreamRejectedError(`the CRM of connection "${connection}" rejected the request: ${message}`)
  }
  if (status < 200 || status >= 300 || body === undefined || !compiled(schema).Check(body)) {
    throw new UpstreamBadResponseError(
      `the CRM of connection "${connection}" sent a malformed answer to ${request.method} ${request.route} (status ${status})`,
    )
  }
  return body as Static<S>
}

function tryParse(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
