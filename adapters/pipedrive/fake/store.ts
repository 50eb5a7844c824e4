import type { TSchema } from '@sinclair/typebox'
import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import { ListQuery, OneQuery } from './schemas.ts'

/** What a store asks of the fake around it: schema checks and Pipedrive's 400s. */
export interface FakeContext {
  check(schema: TSchema, value: unknown, operation: string): Step | undefined
  invalid(problem: string, violation?: boolean): Step
}

export interface Stored {
  id: number
  name: string
  add_time: string
  update_time: string
  is_deleted: boolean
  custom_fields: Record<string, unknown>
}

/** What differs between persons and organizations. */
export interface KindSpec<T extends Stored> {
  readonly path: 'persons' | 'organizations'
  readonly notFound: string
  readonly create: TSchema
  readonly patch: TSchema
  readonly searchQuery: TSchema
  /** Checks beyond the schema (references, option ids, custom field keys); `undefined` when fine. */
  references(body: Record<string, unknown>): Step | undefined
  build(id: number, body: Record<string, unknown>, now: string): T
  apply(record: T, body: Record<string, unknown>): void
  /** The values of `field` search reads (`email`, `name`, `custom_fields`…). */
  values(record: T, field: string): string[]
  searchItem(record: T): Record<string, unknown>
}

/**
 * Persons or organizations of API v2, as Pipedrive's reference describes them: lists by `ids`
 * (missing ones left out without a word, at most 100), by `updated_since`, in cursor pages of at
 * most 500; single reads and writes (404 for a missing or deleted record); and search, exact
 * (not case sensitive) or by part of a value, over the fields asked for, which misses a record
 * for `searchLagMs` after it was added.
 */
export class FakeStore<T extends Stored> {
  readonly records = new Map<number, T>()
  /** Told of every create, change and delete, as Pipedrive's webhooks are. */
  onEvent: ((action: 'create' | 'change' | 'delete', record: T, previous: T | null, mergedTo?: number) => void) | undefined
  /** When search starts finding each record. */
  private readonly searchableAt = new Map<number, number>()

  constructor(
    private readonly ctx: FakeContext,
    private readonly spec: KindSpec<T>,
    private nextId: number,
    private readonly searchLagMs: () => number = () => 0,
  ) {}

  /** Adds a record as if made in Pipedrive's UI (`at`: its add and update time). */
  insert(body: Record<string, unknown>, at = rfc3339()): T {
    const record = this.spec.build(this.nextId++, body, at)
    this.records.set(record.id, record)
    this.onEvent?.('create', structuredClone(record), null)
    this.searchableAt.set(record.id, Date.now() + this.searchLagMs())
    return record
  }

  /** A change, made through the API or in Pipedrive's UI. */
  change(record: T, body: Record<string, unknown>): void {
    const previous = structuredClone(record)
    this.spec.apply(record, body)
    record.update_time = rfc3339()
    this.onEvent?.('change', structuredClone(record), previous)
  }

  /** Deletes a record as Pipedrive does (marked, kept 30 days); `mergedTo` when a merge folded it
   * into another, which Pipedrive's webhooks v2 say in `meta.merged_to_id`. */
  remove(id: number, mergedTo?: number): void {
    const record = this.records.get(id)
    if (!record || record.is_deleted) return
    const previous = structuredClone(record)
    record.is_deleted = true
    record.update_time = rfc3339()
    this.onEvent?.('delete', structuredClone(record), previous, mergedTo)
  }

  visible(id: number): T | undefined {
    const record = this.records.get(id)
    return record && !record.is_deleted ? record : undefined
  }

  handle(r: SeenRequest): Step | undefined {
    const base = `/api/v2/${this.spec.path}`
    const one = new RegExp(`^${base}/(\\d+)$`).exec(r.path)
    const query = Object.fromEntries(r.query)
    if (r.path === `${base}/search` && r.method === 'GET') return this.search(query)
    if (r.path === base && r.method === 'GET') return this.list(query)
    if (r.path === base && r.method === 'POST') return this.create(r.body)
    if (one && r.method === 'GET') {
      const bad = this.ctx.check(OneQuery, query, `GET /${this.spec.path}/{id}`)
      if (bad) return bad
      const record = this.visible(Number(one[1]))
      return record ? ok(this.shown(record, query.custom_fields)) : this.missing()
    }
    if (one && r.method === 'PATCH') return this.update(Number(one[1]), r.body)
    return undefined
  }

  private create(body: unknown): Step {
    const bad = this.ctx.check(this.spec.create, body, `POST /${this.spec.path}`) ?? this.spec.references(body as Record<string, unknown>)
    if (bad) return bad
    return ok(this.shown(this.insert(body as Record<string, unknown>)))
  }

  private update(id: number, body: unknown): Step {
    const bad = this.ctx.check(this.spec.patch, body, `PATCH /${this.spec.path}/{id}`) ?? this.spec.references(body as Record<string, unknown>)
    if (bad) return bad
    const record = this.visible(id)
    if (!record) return this.missing()
    this.change(record, body as Record<string, unknown>)
    return ok(this.shown(record))
  }

  private list(query: Record<string, string>): Step {
    const bad = this.ctx.check(ListQuery, query, `GET /${this.spec.path}`)
    if (bad) return bad
    let records = [...this.records.values()].filter((r) => !r.is_deleted)
    if (query.ids !== undefined) {
      const asked = new Set(query.ids.split(',').map(Number))
      if (asked.size > 100) return this.ctx.invalid(`GET /${this.spec.path}?ids: ${asked.size} ids, at most 100`)
      records = records.filter((r) => asked.has(r.id))
    }
    if (query.updated_since !== undefined) {
      const since = Date.parse(query.updated_since)
      records = records.filter((r) => Date.parse(r.update_time) >= since)
    }
    return this.paged(records.sort((a, b) => a.id - b.id), query, (r) => this.shown(r, query.custom_fields))
  }

  private search(query: Record<string, string>): Step {
    const bad = this.ctx.check(this.spec.searchQuery, query, `GET /${this.spec.path}/search`)
    if (bad) return bad
    const exact = query.exact_match === 'true'
    const term = query.term!.trim().toLowerCase()
    if (!exact && term.length < 2) return this.ctx.invalid(`GET /${this.spec.path}/search: a term of at least 2 characters without exact_match`)
    const fields = (query.fields ?? 'name,custom_fields').split(',')
    const matches = (value: string) => (exact ? value.trim().toLowerCase() === term : value.toLowerCase().includes(term))
    const now = Date.now()
    const indexed = (r: T) => (this.searchableAt.get(r.id) ?? 0) <= now
    const found = [...this.records.values()].filter((r) => !r.is_deleted && indexed(r) && fields.some((f) => this.spec.values(r, f).some(matches)))
    return this.paged(found, query, (r) => ({ result_score: 1, item: this.spec.searchItem(r) }), true)
  }

  private paged(records: readonly T[], query: Record<string, string>, show: (r: T) => unknown, items = false): Step {
    const limit = Number(query.limit ?? 100)
    const start = query.cursor === undefined ? 0 : Number(Buffer.from(query.cursor, 'base64url').toString())
    if (!Number.isInteger(start) || start < 0) return this.ctx.invalid(`GET /${this.spec.path}: cursor "${query.cursor}" was never given`)
    const slice = records.slice(start, start + limit).map(show)
    const next = start + limit < records.length ? Buffer.from(String(start + limit)).toString('base64url') : null
    return ok(items ? { items: slice } : slice, next)
  }

  /** A record as answers show it; with `custom_fields` asked, only those custom fields. */
  private shown(record: T, keys?: string): T {
    if (keys === undefined) return structuredClone(record)
    const wanted = new Set(keys.split(','))
    const custom = Object.fromEntries(Object.entries(record.custom_fields).filter(([key]) => wanted.has(key)))
    return { ...structuredClone(record), custom_fields: custom }
  }

  private missing(): Step {
    return { status: 404, body: { success: false, error: this.spec.notFound, error_info: 'Please check developers.pipedrive.com', data: null } }
  }
}

export function ok(data: unknown, nextCursor: string | null = null): Step {
  return { status: 200, body: { success: true, data, additional_data: { next_cursor: nextCursor } } }
}

export function rfc3339(at = Date.now()): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
