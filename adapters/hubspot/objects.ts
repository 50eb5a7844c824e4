import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, chunks } from '../../src/kit/utils.ts'
import { BatchAnswer, type BatchError, type CrmObject } from './answers.ts'
import { MAX_OBJECT_INPUTS } from './limits.ts'
import type { ObjectKind, Routes } from './routes.ts'

/**
 * Batch reads of one kind of CRM object, by id or by a unique property (`idProperty`): 100 inputs a
 * call, the calls in parallel (the connection's concurrency caps them). Reads are safe to repeat,
 * so they are retried like GETs. Inputs HubSpot reports missing (a 207 with `OBJECT_NOT_FOUND`)
 * are left out; objects nobody asked for are left out with a warning.
 */
export class ObjectReads {
  constructor(
    private readonly client: UpstreamClient,
    private readonly route: Routes,
    readonly kind: ObjectKind,
  ) {}

  /** The objects with these ids that exist. */
  async byIds(ids: readonly string[], properties: readonly string[], options: CallOptions): Promise<CrmObject[]> {
    const asked = new Set(ids)
    const found = await this.read(ids, properties, undefined, options)
    return found.filter((object) => asked.has(object.id) || unasked(options, this.kind, object.id))
  }

  /**
   * The objects whose unique property `idProperty` holds one of `values`. HubSpot compares e-mail
   * addresses without regard to case, so the values are compared trimmed and in lower case.
   */
  async byProperty(idProperty: string, values: readonly string[], properties: readonly string[], options: CallOptions): Promise<CrmObject[]> {
    const asked = new Set(values.map(folded))
    const found = await this.read(values, [...new Set([...properties, idProperty])], idProperty, options)
    return found.filter((object) => asked.has(folded(object.properties[idProperty] ?? '')) || unasked(options, this.kind, object.id))
  }

  private async read(inputs: readonly string[], properties: readonly string[], idProperty: string | undefined, options: CallOptions) {
    const unique = [...new Set(inputs)]
    const answers = await Promise.all(
      chunks(unique, MAX_OBJECT_INPUTS).map((part) =>
        this.client.json(
          {
            method: 'POST',
            route: this.route.objectsRead(this.kind),
            body: { ...(idProperty !== undefined && { idProperty }), properties: [...properties], propertiesWithHistory: [], inputs: part.map((id) => ({ id })) },
            idempotent: true,
            expect: [200, 207],
            options,
          },
          BatchAnswer,
        ),
      ),
    )
    for (const answer of answers) failOnErrors(this.client, answer.errors, 'read')
    return answers.flatMap((answer) => answer.results)
  }
}

/** HubSpot's per-item errors of a read: missing records are fine, anything else fails the call. */
export function failOnErrors(client: UpstreamClient, errors: readonly BatchError[] | undefined, what: string): void {
  const other = errors?.find((error) => error.category !== 'OBJECT_NOT_FOUND')
  if (other) throw new UpstreamUnavailableError(client.scrub(`HubSpot failed part of a batch ${what}: ${other.message} (${other.category})`).slice(0, 500))
}

/** The ids a 207's `OBJECT_NOT_FOUND` errors name (`context.ids`). */
export function missingIds(errors: readonly BatchError[] | undefined): Set<string> {
  const ids = new Set<string>()
  for (const error of errors ?? []) {
    if (error.category !== 'OBJECT_NOT_FOUND') continue
    for (const id of error.context?.ids ?? []) if (typeof id === 'string') ids.add(id)
  }
  return ids
}

/** An answer named a record nobody asked for: it is left out, and the request's log says so. */
export function unasked(options: CallOptions, kind: string, id: string): false {
  options.warn({ type: 'compatibility', message: `HubSpot answered for ${kind} ${id}, which was not asked for; left out` })
  return false
}

function folded(value: string): string {
  return value.trim().toLowerCase()
}
