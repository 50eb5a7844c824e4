import type { UpstreamResponse } from '../../src/kit/spec.ts'
import { parseBody } from './answers.ts'
import { hubspotErrorMessage } from './error-message.ts'

/**
 * Codes of a property refused whoever writes it, not for one input's value (`Property values were
 * not valid: […"error":"PROPERTY_DOESNT_EXIST","name":…]`, HubSpot's property-value checks).
 */
const PROPERTY_REFUSED = new Set(['PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE'])

/** HubSpot's refusal of a whole batch create or update (a 400 or 409: nothing was written). */
export interface BatchRefusal {
  /** HubSpot's message, with its category. */
  readonly reason: string
  readonly message: string
  /** The values its `context` lists under the key that names inputs. */
  readonly keys: ReadonlySet<string>
  /** Properties it refuses in every input that writes them. */
  readonly properties: ReadonlySet<string>
}

/**
 * Reads a refusal. HubSpot's error body (`Error` in its OpenAPI files: `message`, `category`, a
 * `context` of string lists, `errors` each with its `code` and `context`) names the property it
 * refused (`context.propertyName`, in live answers) and may name the input: by the key HubSpot's
 * batch errors tie items by, `objectWriteTraceId` on a create (its multi-status errors) or `ids`
 * on an update (as `OBJECT_NOT_FOUND` does), at the top or in one of its `errors`. Free text is
 * never read for an input ("at index 2", a value it quotes): it may quote the caller's own values.
 */
export function readRefusal(response: UpstreamResponse, key: 'objectWriteTraceId' | 'ids', what: string): BatchRefusal {
  const body = parseBody(response.text)
  const said = field(body, 'message')
  const message = typeof said === 'string' ? said : `${what} answered ${response.status}`
  const errors = Array.isArray(field(body, 'errors')) ? (field(body, 'errors') as unknown[]) : []
  const properties = errors.flatMap((error) => {
    const code = field(error, 'code')
    return typeof code === 'string' && PROPERTY_REFUSED.has(code) ? strings(field(error, 'context'), 'propertyName') : []
  })
  return {
    reason: (typeof said === 'string' && hubspotErrorMessage(body)) || message,
    message,
    keys: new Set([body, ...errors].flatMap((item) => strings(field(item, 'context'), key))),
    properties: new Set(properties),
  }
}

/** The inputs of `part` a refusal names: by key, or by writing a property it refuses. */
export function namedBy(refusal: BatchRefusal, part: readonly number[], keyOf: (i: number) => string, propertiesOf: (i: number) => Readonly<Record<string, string>>): number[] {
  return part.filter((i) => refusal.keys.has(keyOf(i)) || Object.keys(propertiesOf(i)).some((name) => refusal.properties.has(name)))
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined
}

function strings(context: unknown, key: string): string[] {
  const list = field(context, key)
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []
}
