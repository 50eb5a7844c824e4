import { Value } from '@sinclair/typebox/value'
import type { TSchema, Static } from '@sinclair/typebox'
import type { CreatedLookup, Lookup, NativeRecord, RecordInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, normalize } from '../../src/kit/utils.ts'
import { eventsSince } from './events.ts'

/**
 * How long after a lost create the event log surely lists it: Close logs an event as it applies
 * the change, but may still apply a create it received after the gateway stopped waiting, and
 * recent events to one object can be consolidated for a while (FACTS.md, "Change feed").
 */
const SETTLE_MS = 30_000
/** Pages of 50 events looked through: 1,000 records of this kind created since the attempt. */
const MAX_PAGES = 20

/**
 * The leads or contacts a lost create may have made, from Close's event log rather than search,
 * whose index trails new records (FACTS.md, "Lookups"): the `created` events of the kind since the
 * attempt, each with the record as it was made, holding every value the create wrote that records
 * are looked up by, in the core's normal form.
 */
export function createdRecords<S extends TSchema, R extends NativeRecord<object>>(
  client: UpstreamClient,
  objectType: 'lead' | 'contact',
  schema: S,
  map: (raw: Static<S>) => R,
  lookups: readonly Lookup[],
  /** Told of each record found, so later lookups find it while search has not caught up. */
  remember: (record: R) => void,
): CreatedLookup<RecordInput<object>, R> {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const since = Math.floor(createdAfter / 1000) * 1000
      const { events, complete } = await eventsSince(client, objectType, 'created', since, schema, MAX_PAGES, options)
      if (!complete) throw new UpstreamUnavailableError(`Close logged more than ${MAX_PAGES * 50} ${objectType}s created since the create: too many to look through`)
      const written = lookups.flatMap((by) => {
        const value = (input as Record<string, unknown>)[by]
        const key = typeof value === 'string' ? normalize[by](value) : undefined
        return key === undefined ? [] : [[by, key] as const]
      })
      const made = events.flatMap((event) => (Value.Check(schema, event.data) ? [map(event.data as Static<S>)] : []))
      const found = made.filter(
        (record) =>
          (record.createdAt ?? 0) >= since &&
          written.every(([by, key]) => {
            const value = (record as Record<string, unknown>)[by]
            return typeof value === 'string' && normalize[by](value) === key
          }),
      )
      for (const record of found) remember(record)
      return found
    },
  }
}
