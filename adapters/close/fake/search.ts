import { createHash } from 'node:crypto'
import type { StoreContext } from './context.ts'
import { MISSING_OBJECT } from './errors.ts'
import type { Step } from './http.ts'
import type { Contact, Lead, Records } from './records.ts'
import { type Condition, type FieldRef, MAX_SEARCH_LIMIT, type MomentBound, type Query, SearchBody, type SearchRequest } from './search-schema.ts'
import { toMs } from './times.ts'

/**
 * The Advanced Filtering API (`POST /api/v1/data/search/`) over leads and contacts, the objects the
 * gateway looks up: a query tree (`search-schema.ts`) matched against the records, pages of at
 * most 200 (`_limit`; above it a 400, as for list endpoints) chained by an opaque `cursor` that is
 * `null` on the last page, `results_limit` capping the whole result, `include_counts` adding
 * `count.total`. Without `_fields` a result is `{__object_type, id}`; with them, the fields asked
 * for that object type. Text conditions ignore case: `exact_value` is the whole value, `phrase`
 * the words in a row, `full_words` every word (scripts search e-mail in lower case with
 * `exact_value`: bariendo/close-api-scripts, scripts/CloseApiWrapper.py). Results come in creation
 * order unless `sort` says otherwise (Close's default order is not documented).
 *
 * Search reads an index that trails the records: Close's status page has reported "search
 * indexing delays" (status.close.com/incidents/bz9xv87xt003, in api-evangelist/close blogs/). A
 * record stays out of results for `searchLagMs` after it is created (the fake does not delay
 * updates). Parts of the language the gateway has no use for (other object types and fields,
 * other relations) are refused as violations, not silently ignored.
 */

type Kind = 'lead' | 'contact' | 'contact_email'
type Node = { kind: 'lead'; record: Lead } | { kind: 'contact'; record: Contact } | { kind: 'contact_email'; record: { email: string } }

const FIELDS: Record<Kind, Record<string, (record: never) => unknown>> = {
  lead: {
    id: (l: Lead) => l.id,
    name: (l: Lead) => l.name,
    url: (l: Lead) => l.url,
    description: (l: Lead) => l.description,
    status_id: (l: Lead) => l.status_id,
    created_by: (l: Lead) => l.created_by,
    date_created: (l: Lead) => l.created,
    date_updated: (l: Lead) => l.updated,
  },
  contact: {
    id: (c: Contact) => c.id,
    name: (c: Contact) => c.name,
    title: (c: Contact) => c.title,
    lead_id: (c: Contact) => c.lead_id,
    date_created: (c: Contact) => c.created,
    date_updated: (c: Contact) => c.updated,
  },
  contact_email: { email: (e: { email: string }) => e.email },
}

const RELATED: Record<string, Kind> = { 'lead>contact': 'contact', 'contact>lead': 'lead', 'contact>contact_email': 'contact_email' }

class Refused extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly caller = false,
  ) {
    super(message)
  }
}

export class Search {
  constructor(
    private readonly ctx: StoreContext,
    private readonly records: Records,
  ) {}

  run(raw: unknown): Step {
    const operation = 'POST /data/search/'
    const v = this.ctx.v
    const bad = v.check(SearchBody, raw, operation)
    if (bad) return bad
    const body = raw as SearchRequest
    const kind = searchedKind(body.query)
    if (kind !== 'lead' && kind !== 'contact') return v.refuseWhole(operation, 'the fake searches leads or contacts: name one with an object_type query')
    try {
      this.checkTree(body.query, kind)
    } catch (error) {
      if (!(error instanceof Refused)) throw error
      return v.refuse(operation, { [error.field]: error.message }, error.caller)
    }
    const limit = body._limit ?? 100
    if (limit > MAX_SEARCH_LIMIT) return v.refuse(operation, { _limit: `must be less than or equal to ${MAX_SEARCH_LIMIT}` })
    const signature = createHash('sha256').update(JSON.stringify([body.query, body.sort, body._fields, body.results_limit])).digest('hex').slice(0, 16)
    let offset = 0
    if (body.cursor != null) {
      const [sig, at] = Buffer.from(body.cursor, 'base64url').toString().split(':')
      if (sig !== signature || !/^\d+$/.test(at ?? '')) return v.refuseWhole(operation, 'the cursor is not one of this query')
      offset = Number(at)
    }
    const now = Date.now()
    let matches = this.nodes(kind).filter((node) => node.record.searchableAt <= now && this.matches(body.query, node, now))
    for (const { field, direction } of [...(body.sort ?? [])].reverse()) {
      const value = FIELDS[kind][field.field_name]
      if (!value) return v.refuseWhole(operation, `the fake does not sort by ${field.field_name}`)
      matches = [...matches].sort((a, b) => compare(value(a.record as never), value(b.record as never)) * (direction === 'asc' ? 1 : -1))
    }
    const total = matches.length
    if (body.results_limit != null) matches = matches.slice(0, body.results_limit)
    const page = matches.slice(offset, offset + limit)
    const next = offset + page.length < matches.length ? Buffer.from(`${signature}:${offset + page.length}`).toString('base64url') : null
    const fields = body._fields?.[kind]
    const data = page.map((node) => this.show(node, fields))
    return { status: 200, body: { data, cursor: next, ...(body.include_counts && { count: { total } }) } }
  }

  private nodes(kind: 'lead' | 'contact'): (Node & { record: Lead | Contact })[] {
    return kind === 'lead'
      ? [...this.records.leads.values()].map((record) => ({ kind, record }))
      : [...this.records.contacts.values()].map((record) => ({ kind, record }))
  }

  private show(node: Node, fields: string[] | undefined): Record<string, unknown> {
    if (fields === undefined) return { __object_type: node.kind, id: (node.record as Lead).id }
    const full = node.kind === 'lead' ? this.records.showLead(node.record) : this.records.showContact(node.record as Contact)
    return { __object_type: node.kind, ...Object.fromEntries(fields.filter((field) => field in full).map((field) => [field, full[field]])) }
  }

  /** Everything in the tree must be something the fake serves, about the type in scope. */
  private checkTree(query: Query, kind: Kind): void {
    switch (query.type) {
      case 'and':
      case 'or':
        for (const part of query.queries) this.checkTree(part, kind)
        return
      case 'has_related': {
        const related = RELATED[`${query.this_object_type}>${query.related_object_type}`]
        if (query.this_object_type !== kind || !related) throw new Refused('query', `the fake serves no ${query.related_object_type} related to a ${kind}`)
        this.checkTree(query.related_query, related)
        return
      }
      case 'field_condition':
        this.checkField(query.field, query.condition, kind)
        return
      default:
        return
    }
  }

  private checkField(field: FieldRef, condition: Condition, kind: Kind): void {
    if (field.type === 'custom_field') {
      if (kind === 'contact_email' || !this.ctx.account.customField(kind, field.custom_field_id)) throw new Refused(`custom.${field.custom_field_id}`, MISSING_OBJECT, true)
    } else if (field.object_type !== kind || !FIELDS[kind][field.field_name]) {
      throw new Refused('query', `the fake serves no field ${field.object_type}.${field.field_name} where a ${kind} is searched`)
    }
    if (condition.type === 'text' && field.type === 'regular_field' && field.field_name.startsWith('date_')) throw new Refused('query', 'a date takes a moment_range')
  }

  private matches(query: Query, node: Node, now: number): boolean {
    const result = (() => {
      switch (query.type) {
        case 'and':
          return query.queries.every((part) => this.matches(part, node, now))
        case 'or':
          return query.queries.some((part) => this.matches(part, node, now))
        case 'object_type':
          return node.kind === query.object_type
        case 'match_all':
          return true
        case 'has_related':
          return this.related(node, query.related_object_type, now).some((other) => this.matches(query.related_query, other, now))
        case 'field_condition':
          return holds(query.condition, this.values(query.field, node))
      }
    })()
    return query.negate ? !result : result
  }

  private related(node: Node, kind: string, now: number): Node[] {
    if (node.kind === 'lead' && kind === 'contact') {
      return [...this.records.contacts.values()].filter((c) => c.lead_id === node.record.id && c.searchableAt <= now).map((record) => ({ kind, record }))
    }
    if (node.kind === 'contact' && kind === 'lead') {
      const lead = this.records.leads.get(node.record.lead_id)
      return lead ? [{ kind, record: lead }] : []
    }
    if (node.kind === 'contact' && kind === 'contact_email') return node.record.emails.map((email) => ({ kind, record: { email: email.email } }))
    return []
  }

  private values(field: FieldRef, node: Node): unknown[] {
    const value = field.type === 'custom_field' ? (node.record as Lead).custom[field.custom_field_id] : FIELDS[node.kind][field.field_name]!(node.record as never)
    return (Array.isArray(value) ? value : [value]).filter((one) => one !== null && one !== undefined && one !== '')
  }
}

/** The object type a query searches: its own `object_type`, or the one among its top `and`. */
function searchedKind(query: Query): string | undefined {
  const found = (query.type === 'and' ? query.queries : [query]).find((part) => part.type === 'object_type')
  return found?.type === 'object_type' ? found.object_type : undefined
}

function holds(condition: Condition, values: unknown[]): boolean {
  switch (condition.type) {
    case 'term':
      return values.some((value) => condition.values.includes(value as string))
    case 'reference':
      return values.some((value) => condition.object_ids.includes(value as string))
    case 'moment_range': {
      const from = condition.on_or_after ? bound(condition.on_or_after) : Number.NEGATIVE_INFINITY
      const to = condition.before ? bound(condition.before) : Number.POSITIVE_INFINITY
      return values.some((value) => typeof value === 'number' && value >= from && value < to)
    }
    case 'text': {
      const wanted = words(condition.value)
      return values.some((value) => {
        const text = String(value)
        if (condition.mode === 'exact_value') return text.trim().toLowerCase() === condition.value.trim().toLowerCase()
        const have = words(text)
        if (condition.mode === 'full_words') return wanted.every((word) => have.includes(word))
        return have.some((_, i) => wanted.every((word, j) => have[i + j] === word))
      })
    }
  }
}

function bound(moment: MomentBound): number {
  if (moment.type === 'fixed_utc') return Date.parse(moment.value)
  return toMs(moment.value) + (moment.which === 'end' ? 86_400_000 : 0)
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  return (a as number | string) < (b as number | string) ? -1 : 1
}
