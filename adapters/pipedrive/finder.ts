import type { CallOptions, Lookup, NativeRecord } from '../../src/kit/spec.ts'
import { LookupCutShortError, UpstreamRateLimitedError, UpstreamRejectedError } from '../../src/kit/utils.ts'
import { type Recall, keyOf } from './recall.ts'

/** What the finder may ask Pipedrive, for one kind of record. */
export interface FinderSource<R> {
  /** The ids one search finds (20 tokens, 10 per 2 s); `complete: false` when it found too many. */
  search(by: Lookup, key: string, options: CallOptions): Promise<{ ids: string[]; complete: boolean }>
  /** Records by id, in lists of 100 (10 tokens each). */
  read(ids: readonly string[], options: CallOptions): Promise<R[]>
  /** Every record changed since an epoch millisecond, in pages of 500 (10 tokens each). */
  changedSince(since: number, maxPages: number, options: CallOptions): Promise<{ records: R[]; complete: boolean }>
}

/**
 * How long before what was known the check of changes starts. It covers clocks that disagree
 * (ours against Pipedrive's `update_time`) and a search index that trails writes: a record
 * written just before a search that missed it is still in the list of changes.
 */
export const MARGIN_MS = 60_000

/**
 * `doFind` for persons and organizations, spending as little of Pipedrive's budget as it can
 * while never answering from memory alone:
 *
 * 1. keys `recall` knows (found or found absent within its TTL) are settled together by one list
 *    of the records changed since then: a record in it is read afresh, one not in it is as it was.
 *    Each page costs half a search, so the list is followed while it has fewer than two pages per
 *    key it settles; longer, those keys are searched instead;
 * 2. every other key is searched (nothing else finds a record by e-mail, name or a custom field);
 * 3. the records searches found are read in lists of 100 ids: a search answer lacks the fields
 *    sync returns, and its custom fields carry no keys.
 *
 * What each search learned is kept even when another one fails, so a retry does not pay again.
 */
export async function find<R extends NativeRecord<object>>(
  recall: Recall<R>,
  source: FinderSource<R>,
  by: Lookup,
  keys: readonly string[],
  options: CallOptions,
): Promise<R[]> {
  const found = new Map<string, R>()
  const known: { key: string; holders: R[]; at: number }[] = []
  const unsettled: string[] = []
  for (const key of new Set(keys)) {
    const memory = recall.known(by, key)
    if (memory) known.push({ key, ...memory })
    else unsettled.push(key)
  }

  if (known.length > 0) {
    const checkedAt = Date.now()
    const since = Math.min(...known.map((k) => k.at)) - MARGIN_MS
    const changes = await source.changedSince(since, 2 * known.length, options)
    for (const record of changes.records) recall.saw(record, checkedAt)
    if (!changes.complete) {
      unsettled.push(...known.map((k) => k.key))
    } else {
      const changed = new Map(changes.records.map((record) => [record.id, record]))
      for (const { key, holders } of known) {
        const now = new Map<string, R>()
        for (const record of [...holders.map((h) => changed.get(h.id) ?? h), ...changes.records]) {
          if (keyOf(record, by) === key) now.set(record.id, record)
        }
        recall.settle(by, key, now.keys(), checkedAt)
        for (const record of now.values()) found.set(record.id, record)
      }
    }
  }

  const searches = await Promise.allSettled(
    unsettled.map(async (key) => {
      const at = Date.now()
      const result = await source.search(by, key, options)
      // Found absent is settled at once: it needs no read, and a retry after a failure elsewhere
      // in this lookup does not search it again.
      if (result.complete && result.ids.length === 0) recall.settle(by, key, [], at)
      return { key, at, ...result }
    }),
  )
  const searched = searches.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
  const ids = [...new Set(searched.flatMap((s) => s.ids))].filter((id) => !found.has(id))
  const read = new Map<string, R>()
  if (ids.length > 0) {
    const readAt = Date.now()
    for (const record of await source.read(ids, options)) {
      read.set(record.id, record)
      recall.saw(record, readAt)
      found.set(record.id, record)
    }
  }
  for (const { key, at, ids: hits, complete } of searched) {
    const holders = hits.filter((id) => read.has(id) && keyOf(read.get(id)!, by) === key)
    if (complete) recall.settle(by, key, holders, at)
    else if (holders.length === 0) {
      // Too many partial matches to read them all: the record may be among those unread, and
      // answering "not found" could make a duplicate.
      throw new UpstreamRejectedError(`Pipedrive matched too many records for the ${by} "${key.slice(0, 64)}" to tell whether it holds it`)
    }
  }
  const failure = searches.find((outcome) => outcome.status === 'rejected')
  // Searches the rate limit kept from starting before the deadline sent nothing: what the others
  // settled is answered with the keys left unasked, so the core can go on with the settled ones.
  const unasked = unsettled.filter((_key, i) => searches[i]!.status === 'rejected')
  if (failure?.reason instanceof UpstreamRateLimitedError) {
    throw new LookupCutShortError(failure.reason, [...found.values()], unasked)
  }
  if (failure) throw failure.reason
  return [...found.values()]
}
