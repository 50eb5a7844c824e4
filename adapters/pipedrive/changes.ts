import type { Change, ChangeFeed, ChangePage, NativeRecord } from '../../src/kit/spec.ts'
import type { EntityCalls } from './entity-calls.ts'
import { MARGIN_MS } from './finder.ts'
import { parseTime } from './times.ts'

/**
 * A v2 list of what changed since a moment (`updated_since`, Pipedrive's `update_time` at or after
 * it, to the second), in cursor pages of 500, in id order: unordered by time, so the core keeps
 * the watermark at when each listing started, and starts each sweep `MARGIN_MS` before it (clocks
 * that disagree, and a change made while the listing paged past its record). A record Pipedrive
 * lists as deleted (`is_deleted`) is a deletion. Nothing changed is one list call (10 tokens).
 */
export function listFeed<Raw extends { id: number; is_deleted?: boolean; update_time?: string | null }, R extends NativeRecord<object>>(
  calls: Pick<EntityCalls<Raw>, 'changedPage'>,
  map: (raws: readonly Raw[], options: Parameters<ChangeFeed<R>['doListChanged']>[2]) => Promise<R[]>,
): ChangeFeed<R> {
  return {
    overlapMs: MARGIN_MS,
    async doListChanged(since, cursor, options): Promise<ChangePage<R>> {
      const page = await calls.changedPage(since, cursor, options)
      const live = page.records.filter((raw) => !raw.is_deleted)
      const mapped = new Map((await map(live, options)).map((record) => [record.id, record]))
      const changes = page.records.flatMap((raw): Change<R>[] => {
        const modifiedAt = parseTime(raw.update_time)
        if (modifiedAt === undefined) return []
        if (raw.is_deleted) return [{ deleted: String(raw.id), modifiedAt }]
        const record = mapped.get(String(raw.id))
        return record ? [{ record, modifiedAt }] : []
      })
      return { changes, ...(page.cursor !== undefined && { cursor: page.cursor }) }
    },
  }
}
