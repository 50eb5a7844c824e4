import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError } from '../../src/kit/utils.ts'
import { type AttioRecord, OneRecord, RecordList } from './schemas.ts'

/** The two objects the gateway writes: people (contacts) and companies. */
export type AttioObject = 'people' | 'companies'

/** Attio's two rate limits, counted apart: 100 reads and 25 writes a second
 * (https://docs.attio.com/rest-api/guides/rate-limiting). Queries are POSTs that only read. */
export const READS = 'reads'
export const WRITES = 'writes'

/** `records/query`'s default page; the file states no largest. */
export const PAGE = 500
/** Pages a lookup follows before it gives up rather than miss a record and make a duplicate. */
const MOST_PAGES = 10

type Values = Record<string, unknown>

/** The record calls of one object: each one call, its path a template. */
export class RecordCalls {
  constructor(
    private readonly client: UpstreamClient,
    readonly object: AttioObject,
  ) {}

  /** Creates a record, or updates the one record already holding `matching`'s value: Attio's
   * assert, so a value that is unique in Attio is never held by two records. */
  async assert(matching: string, values: Values, options: CallOptions): Promise<AttioRecord> {
    const body = { data: { values } }
    const route = '/v2/objects/{object}/records'
    const request = { method: 'PUT' as const, route, params: { object: this.object }, query: { matching_attribute: matching }, body, limitGroup: WRITES, options }
    return (await this.client.json(request, OneRecord)).data
  }

  async create(values: Values, options: CallOptions): Promise<AttioRecord> {
    const request = { method: 'POST' as const, route: '/v2/objects/{object}/records', params: { object: this.object }, body: { data: { values } }, limitGroup: WRITES, options }
    return (await this.client.json(request, OneRecord)).data
  }

  async get(id: string, options: CallOptions): Promise<AttioRecord | null> {
    const request = { method: 'GET' as const, route: '/v2/objects/{object}/records/{id}', params: { object: this.object, id }, limitGroup: READS, options }
    return (await this.client.json(request, OneRecord, 'null'))?.data ?? null
  }

  /** PATCH: single values replaced, multiselect values put first with the old ones kept (the
   * "append multiselect values" update), so an e-mail Enginy changes becomes the first one and
   * those a user added stay. `null` when the record does not exist. */
  async update(id: string, values: Values, options: CallOptions): Promise<AttioRecord | null> {
    const request = { method: 'PATCH' as const, route: '/v2/objects/{object}/records/{id}', params: { object: this.object, id }, body: { data: { values } }, limitGroup: WRITES, options }
    return (await this.client.json(request, OneRecord, 'null'))?.data ?? null
  }

  /** Every record `filter` matches, a page of 500 at a time. */
  async query(filter: Values, options: CallOptions): Promise<AttioRecord[]> {
    const found: AttioRecord[] = []
    for (let page = 0; page < MOST_PAGES; page++) {
      const body = { filter, limit: PAGE, offset: page * PAGE }
      const request = { method: 'POST' as const, route: '/v2/objects/{object}/records/query', params: { object: this.object }, body, idempotent: true, limitGroup: READS, options }
      const { data } = await this.client.json(request, RecordList)
      found.push(...data)
      if (data.length < PAGE) return found
    }
    throw new UpstreamUnavailableError(`more than ${MOST_PAGES * PAGE} Attio ${this.object} records match one lookup: too many to look through`)
  }
}
