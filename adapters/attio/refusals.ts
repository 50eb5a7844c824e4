import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { UpstreamClient, UpstreamRequest } from '../../src/kit/spec.ts'
import { UpstreamBadResponseError } from '../../src/kit/utils.ts'

export type Written<T> = { readonly data: T } | { readonly refused: string }

/**
 * A write that names other records (a task's linked records and assignees, a note's parent):
 * Attio answers 404 when one of them does not exist (`Record with ID "…" not found`), which the
 * upstream client would take for a wrong base URL. Here it is the write's refusal, with Attio's
 * message, scrubbed of the credentials: the caller turns it into a 422, which the core leads with
 * the field whose id the message names.
 */
export async function writeNaming<S extends TSchema>(client: UpstreamClient, request: UpstreamRequest, schema: S): Promise<Written<Static<S>>> {
  const response = await client.send({ ...request, expect: [200, 404] })
  const body = parse(response.text)
  if (response.status === 404) {
    const message = (body as { message?: unknown } | undefined)?.message
    return { refused: client.scrub(typeof message === 'string' ? message : 'a record or member it names was not found').slice(0, 500) }
  }
  if (!Value.Check(schema, body)) throw new UpstreamBadResponseError(`Attio answered ${request.method} ${request.route} with a body the adapter cannot read`)
  return { data: body as Static<S> }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
