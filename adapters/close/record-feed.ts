import type { Static, TSchema } from '@sinclair/typebox'
import type { ChangeFeed, NativeRecord, UpstreamClient } from '../../src/kit/spec.ts'
import { searchAll } from './search.ts'
import { closeMoment } from './times.ts'

/**
 * Leads or contacts changed since a moment, for the mirror: one search with a `moment_range` on
 * `date_updated`, sorted by it (the way Airbyte's Close connector syncs leads incrementally;
 * FACTS.md, "Change feed"), a page of 200 a call. Ordered by modification time, so each page's
 * last record is the watermark a cut-short sweep resumes from. Search trails Close's records, so
 * each sweep looks back two minutes (Close publishes no normal lag). Search does not list
 * deleted records: the gateway never deletes, and one deleted in Close stays in the mirror until
 * a lookup misses it.
 */
export function recordFeed<S extends TSchema, R extends NativeRecord<object>>(
  client: UpstreamClient,
  kind: 'lead' | 'contact',
  fields: readonly string[],
  schema: S,
  map: (raw: Static<S>) => R,
): ChangeFeed<R> {
  return {
    overlapMs: 120_000,
    async doListChanged(since, cursor, options) {
      const query =
        since === undefined
          ? { type: 'match_all' }
          : {
              type: 'field_condition',
              field: { type: 'regular_field', object_type: kind, field_name: 'date_updated' },
              condition: { type: 'moment_range', on_or_after: { type: 'fixed_utc', value: closeMoment(since) } },
            }
      const page = await searchAll(client, kind, query, fields, schema, options, { field: 'date_updated', direction: 'asc' }, cursor, 1)
      const changes = page.records.map(map).flatMap((record) => (record.modifiedAt === undefined ? [] : [{ record, modifiedAt: record.modifiedAt }]))
      const watermark = changes.at(-1)?.modifiedAt
      return { changes, ...(page.cursor && { cursor: page.cursor }), ...(watermark !== undefined && { watermark }) }
    },
  }
}
