import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { SharedLookup } from '../../src/kit/utils.ts'
import { type FieldDefinition, FieldPage } from './account-schemas.ts'
import type { Industries } from './organization-mapping.ts'

export type FieldList = 'personFields' | 'organizationFields'

const ROUTES: Record<FieldList, string> = { personFields: '/api/v1/personFields', organizationFields: '/api/v1/organizationFields' }
/** v1 pages of field definitions; 500 is v1's largest page. */
const PAGE = 500
/** A hundred pages of 500: no account has that many fields; a loop past it is a faulty answer. */
const MOST_PAGES = 100

/**
 * The account's person and organization field definitions (v1: `/personFields` costs 20 tokens a
 * page), cached with a TTL and read once by concurrent callers: `doCheck` checks the `fieldMap`
 * keys against them, and organizations read the options of the built-in `industry` field.
 */
export class FieldCatalog {
  private readonly cache: SharedLookup<FieldList, FieldDefinition[]>

  constructor(client: UpstreamClient, ttlMs: number, connection: string) {
    this.cache = new SharedLookup<FieldList, FieldDefinition[]>(
      async (list, context) => {
        const fields: FieldDefinition[] = []
        for (let start = 0, pages = 0; pages < MOST_PAGES; pages++) {
          const answer = await client.json(
            { method: 'GET', route: ROUTES[list], query: { start: String(start), limit: String(PAGE) }, options: context },
            FieldPage,
          )
          const data = answer.data ?? []
          fields.push(...data)
          const more = answer.additional_data?.pagination?.more_items_in_collection ?? answer.additional_data?.more_items_in_collection
          if (!more || data.length === 0) break
          start = answer.additional_data?.pagination?.next_start ?? start + data.length
        }
        return fields
      },
      { max: 2, ttlMs, connection },
    )
  }

  async fields(list: FieldList, options: CallOptions, fresh = false): Promise<FieldDefinition[]> {
    return this.cache.get(list, options, fresh)
  }

  /** The built-in `industry` options of organizations, or `undefined` where the account has none. */
  async industries(options: CallOptions): Promise<Industries | undefined> {
    const field = (await this.fields('organizationFields', options)).find((f) => f.key === 'industry')
    if (!field?.options?.length) return undefined
    const byLabel = new Map<string, number>()
    const byId = new Map<number, string>()
    for (const option of field.options) {
      const id = Number(option.id)
      if (!Number.isSafeInteger(id)) continue
      byLabel.set(option.label.trim().toLowerCase(), id)
      byId.set(id, option.label)
    }
    return { byLabel, byId }
  }
}
