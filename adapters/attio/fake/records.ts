import { randomUUID } from 'node:crypto'
import { type AttributeDef, type ObjectSlug, attributeView, standardAttributes } from './attributes.ts'
import { filterError, immutable, invalid, multipleMatches, notFound, uniquenessConflict, valueNotFound } from './errors.ts'
import { FilterError, RecordFilter, type Sort, compareKeys, sortKeys } from './filters.ts'
import type { SeenRequest, Step } from './http.ts'
import { AssertQuery, NoQuery, RecordQuery, RecordWrite, firstProblem } from './schemas.ts'
import { attioTimestamp } from './time.ts'
import { type Actor, MAIN_PROPERTY, type ResolveReference, type StoredValue, readValue, sameValue, writeValues } from './values.ts'

export interface FakeRecord {
  readonly id: string
  readonly createdAt: number
  readonly createdBy: Actor
  readonly values: Map<string, StoredValue[]>
}

/** What a record store asks of the workspace around it. */
export interface RecordContext {
  readonly workspaceId: string
  readonly workspaceSlug: string
  readonly apiActor: Actor
  readonly resolve: ResolveReference
  /** How long a new record stays out of query results. */
  readonly queryLagMs: () => number
  /** The values of an attribute answered from the other side of a relationship. */
  readonly derived: (store: RecordStore, slug: string, record: FakeRecord) => Readonly<Record<string, unknown>>[]
  /** Called when the API creates a record, before the answer is built. */
  readonly created: (store: RecordStore, record: FakeRecord, written: ReadonlySet<string>) => void
  readonly violation: (problem: string) => void
}

type Write = { def: AttributeDef; fields: Record<string, unknown>[] }
type Prepared = { ok: true; writes: Write[] } | { ok: false; step: Step }

/** How a write treats the multiselect values a record holds: PATCH puts the new ones first ("the
 * values supplied will be created and prepended to the list of values that already exist": the
 * operation "Update a record (append multiselect values)" of the OpenAPI file), an assert's matching attribute adds them (where is
 * not said: after), PUT and an assert's other attributes replace them. */
type Mode = 'prepend' | 'append' | 'replace'

/**
 * The records of one object, served as Attio's record endpoints describe them
 * (https://docs.attio.com/rest-api/endpoint-reference/records): create (throws on a unique
 * value another record holds), assert by a unique matching attribute (creates, or updates the one
 * record it finds; "if the matching attribute is a multiselect attribute, new values will be added
 * and existing values will not be deleted. For any other multiselect attribute, all values will be
 * either created or deleted as necessary to match the list of supplied values"), get, update
 * (PATCH adds multiselect values, PUT overwrites them), and query with filter, sorts, limit and
 * offset. Records have no `updated_at`: nothing can be sorted or filtered by last change.
 */
export class RecordStore {
  readonly objectId = randomUUID()
  readonly attributes: AttributeDef[]
  readonly records = new Map<string, FakeRecord>()
  private readonly createdAt = Date.now()
  private readonly filter = new RecordFilter((key) => this.attribute(key))

  constructor(
    readonly object: ObjectSlug,
    private readonly ctx: RecordContext,
  ) {
    this.attributes = standardAttributes(object)
  }

  /** An attribute by slug or id. */
  attribute(key: string): AttributeDef | undefined {
    return this.attributes.find((def) => def.slug === key || def.id === key)
  }

  /** Adds a record as `actor` made it outside the API (in Attio's app, or Attio itself); throws
   * when Attio would refuse its values. */
  seed(values: Record<string, unknown>, actor: Actor, at = Date.now()): FakeRecord {
    const record: FakeRecord = { id: randomUUID(), createdAt: at, createdBy: actor, values: new Map() }
    this.write(record, values, actor, at)
    this.records.set(record.id, record)
    return record
  }

  /** Writes values to a record as `actor`, outside the API; throws when Attio would refuse them. */
  write(record: FakeRecord, values: Record<string, unknown>, actor: Actor, at = Date.now()): void {
    const prepared = this.prepare(values)
    if (!prepared.ok) throw new Error(`refused: ${JSON.stringify(prepared.step.body)}`)
    this.apply(record, prepared.writes, () => 'replace', actor, at)
  }

  /** The active values of one attribute of a record, as stored fields. */
  valuesOf(record: FakeRecord, slug: string): Readonly<Record<string, unknown>>[] {
    const def = this.attribute(slug)
    if (!def) return []
    if (def.derived) return this.ctx.derived(this, def.slug, record)
    if (def.slug === 'record_id') return [{ value: record.id }]
    if (def.slug === 'created_at') return [{ value: attioTimestamp(record.createdAt) }]
    if (def.slug === 'created_by') return [{ referenced_actor_type: record.createdBy.type, referenced_actor_id: record.createdBy.id }]
    return (record.values.get(def.slug) ?? []).map((value) => value.fields)
  }

  /** The records whose unique attribute `slug` holds `value` (its main property). */
  holding(slug: string, value: unknown, except?: string): FakeRecord[] {
    const def = this.attribute(slug)
    if (!def) return []
    const key = MAIN_PROPERTY[def.type]
    return [...this.records.values()].filter((r) => r.id !== except && this.valuesOf(r, def.slug).some((fields) => fields[key] === value))
  }

  view(record: FakeRecord): Record<string, unknown> {
    const values: Record<string, unknown[]> = {}
    for (const def of this.attributes) {
      const stored = record.values.get(def.slug)
      values[def.slug] = stored
        ? stored.map((value) => readValue(def, value))
        : this.valuesOf(record, def.slug).map((fields) => readValue(def, { fields, activeFrom: record.createdAt, actor: record.createdBy }))
    }
    return {
      id: { workspace_id: this.ctx.workspaceId, object_id: this.objectId, record_id: record.id },
      created_at: attioTimestamp(record.createdAt),
      web_url: `https://app.attio.com/${this.ctx.workspaceSlug}/${this.object === 'people' ? 'person' : 'company'}/${record.id}`,
      values,
    }
  }

  objectView(): Record<string, unknown> {
    const [singular, plural] = this.object === 'people' ? ['Person', 'People'] : ['Company', 'Companies']
    return { id: { workspace_id: this.ctx.workspaceId, object_id: this.objectId }, api_slug: this.object, singular_noun: singular, plural_noun: plural, created_at: attioTimestamp(this.createdAt) }
  }

  attributesView(): Record<string, unknown>[] {
    return this.attributes.map((def) => attributeView(def, this.ctx.workspaceId, this.objectId, this.createdAt))
  }

  /** Routes `/v2/objects/{object}/records…` once the object is known. */
  handle(r: SeenRequest, rest: string): Step | undefined {
    const query = Object.fromEntries(r.query)
    if (rest === '/records/query' && r.method === 'POST') return this.query(r.body)
    if (rest === '/records' && r.method === 'POST') return this.check(NoQuery, query, 'query') ?? this.create(r.body)
    if (rest === '/records' && r.method === 'PUT') return this.check(AssertQuery, query, 'query') ?? this.assert(r.body, query.matching_attribute!)
    if (rest === '/attributes' && r.method === 'GET') return { status: 200, body: { data: this.attributesView() } }
    if (rest === '' && r.method === 'GET') return { status: 200, body: { data: this.objectView() } }
    const one = /^\/records\/([^/]+)$/.exec(rest)
    if (!one) return undefined
    const record = this.records.get(one[1]!)
    if (r.method === 'GET') return record ? ok(this.view(record)) : this.missing(one[1]!)
    if (r.method === 'PATCH' || r.method === 'PUT') return this.update(record, one[1]!, r.body, r.method === 'PATCH' ? 'prepend' : 'replace')
    return undefined
  }

  private create(body: unknown): Step {
    const bad = this.check(RecordWrite, body, 'body')
    if (bad) return bad
    const values = (body as { data: { values: Record<string, unknown> } }).data.values
    const prepared = this.prepare(values)
    if (!prepared.ok) return prepared.step
    const conflict = this.conflict(prepared.writes)
    if (conflict) return conflict
    return ok(this.view(this.insert(prepared.writes)))
  }

  private assert(body: unknown, matching: string): Step {
    const bad = this.check(RecordWrite, body, 'body')
    if (bad) return bad
    const def = this.attribute(matching)
    if (!def) return valueNotFound(`No attribute was found for matching_attribute slug/ID "${matching}".`)
    if (!def.unique) return invalid(`The matching attribute "${matching}" must be unique.`)
    const prepared = this.prepare((body as { data: { values: Record<string, unknown> } }).data.values)
    if (!prepared.ok) return prepared.step
    const key = prepared.writes.find((write) => write.def === def)
    if (!key || key.fields.length === 0) return invalid(`data.values must hold a value of the matching attribute "${def.slug}".`)
    const found = new Set(key.fields.flatMap((fields) => this.holding(def.slug, fields[MAIN_PROPERTY[def.type]])))
    if (found.size > 1) return multipleMatches(`${found.size} records match the values of "${def.slug}".`)
    const [record] = found
    const conflict = this.conflict(prepared.writes, record?.id)
    if (conflict) return conflict
    if (!record) return ok(this.view(this.insert(prepared.writes)))
    this.apply(record, prepared.writes, (write) => (write.def === def ? 'append' : 'replace'), this.ctx.apiActor)
    return ok(this.view(record))
  }

  private update(record: FakeRecord | undefined, id: string, body: unknown, mode: Mode): Step {
    const bad = this.check(RecordWrite, body, 'body')
    if (bad) return bad
    if (!record) return this.missing(id)
    const prepared = this.prepare((body as { data: { values: Record<string, unknown> } }).data.values)
    if (!prepared.ok) return prepared.step
    const conflict = this.conflict(prepared.writes, record.id)
    if (conflict) return conflict
    this.apply(record, prepared.writes, () => mode, this.ctx.apiActor)
    return ok(this.view(record))
  }

  private query(body: unknown): Step {
    const input = body ?? {}
    const bad = this.check(RecordQuery, input, 'body')
    if (bad) return bad
    const { filter, sorts = [], limit = 500, offset = 0 } = input as { filter?: unknown; sorts?: Sort[]; limit?: number; offset?: number }
    const visibleBefore = Date.now() - this.ctx.queryLagMs()
    try {
      if (filter !== undefined) this.filter.check(filter)
      const keyOf = sortKeys(sorts, (key) => this.attribute(key))
      const found = [...this.records.values()]
        .filter((record) => record.createdAt <= visibleBefore)
        .filter((record) => filter === undefined || this.filter.matches(filter, (slug) => this.valuesOf(record, slug)))
        .map((record) => ({ record, keys: keyOf((slug) => this.valuesOf(record, slug)) }))
        .sort((a, b) => compareKeys(sorts, a.keys, b.keys))
      return { status: 200, body: { data: found.slice(offset, offset + limit).map(({ record }) => this.view(record)) } }
    } catch (error) {
      if (error instanceof FilterError) return filterError(error.message)
      throw error
    }
  }

  private insert(writes: Write[]): FakeRecord {
    const record: FakeRecord = { id: randomUUID(), createdAt: Date.now(), createdBy: this.ctx.apiActor, values: new Map() }
    this.apply(record, writes, () => 'replace', this.ctx.apiActor)
    this.records.set(record.id, record)
    this.ctx.created(this, record, new Set(writes.map((write) => write.def.slug)))
    return record
  }

  private prepare(values: Record<string, unknown>): Prepared {
    const writes: Write[] = []
    for (const [key, raw] of Object.entries(values)) {
      const def = this.attribute(key)
      if (!def) return { ok: false, step: valueNotFound(`Cannot find attribute with slug/ID "${key}".`) }
      if (!def.writable) return { ok: false, step: immutable(`Attribute "${def.slug}" cannot be written.`) }
      if (def.derived) {
        this.ctx.violation(`the fake does not serve writes to ${this.object}.${def.slug}`)
        return { ok: false, step: invalid(`Writes to "${def.slug}" are not served by the fake.`) }
      }
      const written = writeValues(def, raw, this.ctx.resolve)
      if (!written.ok) return { ok: false, step: written.notFound ? valueNotFound(written.problem) : invalid(written.problem) }
      writes.push({ def, fields: written.fields })
    }
    return { ok: true, writes }
  }

  /** A unique value the write gives that another record holds. */
  private conflict(writes: Write[], self?: string): Step | undefined {
    for (const { def, fields } of writes.filter((write) => write.def.unique)) {
      for (const value of fields.map((f) => f[MAIN_PROPERTY[def.type]])) {
        if (this.holding(def.slug, value, self).length > 0) return uniquenessConflict(`The value "${String(value)}" of unique attribute "${def.slug}" is held by another record.`)
      }
    }
    return undefined
  }

  private apply(record: FakeRecord, writes: Write[], mode: (write: Write) => Mode, actor: Actor, at = Date.now()): void {
    for (const write of writes) {
      const held = record.values.get(write.def.slug) ?? []
      const kept = write.def.multiselect && mode(write) !== 'replace' ? held : held.filter((value) => write.fields.some((f) => sameValue(write.def.type, value.fields, f)))
      const added = write.fields
        .filter((f, i) => write.fields.findIndex((other) => sameValue(write.def.type, other, f)) === i)
        .filter((f) => !kept.some((value) => sameValue(write.def.type, value.fields, f)))
        .map((fields) => ({ fields, activeFrom: at, actor }))
      // A single-value attribute given another value loses the old one.
      const next = !write.def.multiselect ? (added.length > 0 ? added : kept) : mode(write) === 'prepend' ? [...added, ...kept] : [...kept, ...added]
      record.values.set(write.def.slug, next)
    }
  }

  private check(schema: Parameters<typeof firstProblem>[0], value: unknown, where: string): Step | undefined {
    const problem = firstProblem(schema, value)
    if (!problem) return undefined
    this.ctx.violation(`${this.object} ${where}: ${problem}`)
    return invalid(`${where}${problem}`)
  }

  private missing(id: string): Step {
    return notFound(`Record with ID "${id}" not found.`)
  }
}

export const ok = (data: unknown): Step => ({ status: 200, body: { data } })
