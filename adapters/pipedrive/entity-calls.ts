import type { Static, TObject } from '@sinclair/typebox'
import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamBadResponseError, chunks } from '../../src/kit/utils.ts'
import { one, page } from './record-schemas.ts'
import { rfc3339 } from './times.ts'

/** Pipedrive's limit on `ids` of a v2 list (persons, organizations, activities). */
export const MAX_IDS = 100
/** v2's largest page: a list call costs the same tokens whatever its length. */
const PAGE = 500

interface Raw {
  id: number
  is_deleted?: boolean
}

/** The v2 calls of one kind of record (persons or organizations), answers checked by schema. */
export interface EntityCalls<R extends Raw> {
  /** One record by id (a GET by id: 1 token), or `null`. */
  get(id: string, options: CallOptions): Promise<R | null>
  /** The records of `ids` that exist: one GET for a single id, else lists of up to 100 ids (10
   * tokens each, against 1 per GET). Only records asked for are answered. */
  read(ids: readonly string[], options: CallOptions): Promise<R[]>
  /** Every record changed since `since` (epoch ms; creations change a record too), in pages of
   * 500; `complete: false` when more than `maxPages` pages would be needed. */
  changedSince(since: number, maxPages: number, options: CallOptions): Promise<{ records: R[]; complete: boolean }>
  /** One page of 500 of every record changed since `since` (all of them without it), deleted
   * ones included as Pipedrive marks them, and the next page's cursor. */
  changedPage(since: number | undefined, cursor: string | undefined, options: CallOptions): Promise<{ records: R[]; cursor?: string }>
  /** A plain POST: sent once, never retried but after a refused connection or a 429. */
  create(body: object, options: CallOptions): Promise<R>
  patch(id: string, body: object, options: CallOptions): Promise<R | null>
}

/** `query` is sent with every read (the custom fields wanted, see `customFieldsQuery`). */
export function entityCalls<S extends TObject>(
  client: UpstreamClient,
  route: '/api/v2/persons' | '/api/v2/organizations',
  record: S,
  query: Readonly<Record<string, string>>,
): EntityCalls<Static<S> & Raw> {
  type R = Static<S> & Raw
  // TypeBox cannot evaluate the answer types of a generic record schema: they are stated here,
  // and the schemas still check every answer.
  type OneAnswer = { data: R } | null
  type PageAnswer = { data: R[]; additional_data?: { next_cursor?: string | null } | null }
  const One = one(record)
  const Page = page(record)
  const byId = `${route}/{id}`
  // Deleted records may come back marked; they do not exist for the gateway.
  const live = (r: R | undefined | null): r is R => !!r && !r.is_deleted
  /** An answer about `id` that names another record is not one the gateway can use. */
  const about = (id: string, answer: OneAnswer): R | null => {
    const found = answer?.data ?? null
    if (found && String(found.id) !== id) throw new UpstreamBadResponseError(`Pipedrive answered ${route}/${id} with another record`)
    return live(found) ? found : null
  }

  const get = async (id: string, options: CallOptions) => {
    return about(id, (await client.json({ method: 'GET', route: byId, params: { id }, query, options }, One, 'null')) as OneAnswer)
  }

  return {
    get,

    async read(ids, options) {
      const asked = new Set(ids)
      const parts = await Promise.all(
        chunks([...asked], MAX_IDS).map(async (part): Promise<R[]> => {
          if (part.length === 1) {
            const found = await get(part[0]!, options)
            return found ? [found] : []
          }
          // The ids are integers (checked by isNativeId, or by the schema of the answer that gave
          // them), so none holds a comma; missing and invisible ones are left out.
          const answer = (await client.json(
            { method: 'GET', route, query: { ...query, ids: part.join(','), limit: String(MAX_IDS) }, options },
            Page,
          )) as unknown as PageAnswer
          return answer.data.filter(live)
        }),
      )
      return parts.flat().filter((r) => asked.has(String(r.id)))
    },

    async changedSince(since, maxPages, options) {
      const records: R[] = []
      let cursor: string | undefined
      for (let pages = 0; pages < maxPages; pages++) {
        const answer = (await client.json(
          {
            method: 'GET',
            route,
            query: { ...query, updated_since: rfc3339(since), limit: String(PAGE), ...(cursor && { cursor }) },
            options,
          },
          Page,
        )) as unknown as PageAnswer
        records.push(...answer.data.filter(live))
        cursor = answer.additional_data?.next_cursor ?? undefined
        if (!cursor) return { records, complete: true }
      }
      return { records, complete: false }
    },

    async changedPage(since, cursor, options) {
      const answer = (await client.json(
        {
          method: 'GET',
          route,
          query: { ...query, ...(since !== undefined && { updated_since: rfc3339(since) }), limit: String(PAGE), ...(cursor && { cursor }) },
          options,
        },
        Page,
      )) as unknown as PageAnswer
      const next = answer.additional_data?.next_cursor ?? undefined
      return { records: answer.data, ...(next && { cursor: next }) }
    },

    async create(body, options) {
      const answer = (await client.json({ method: 'POST', route, body, options }, One)) as NonNullable<OneAnswer>
      return answer.data
    },

    async patch(id, body, options) {
      return about(id, (await client.json({ method: 'PATCH', route: byId, params: { id }, body, options }, One, 'null')) as OneAnswer)
    },
  }
}
