import { randomUUID } from 'node:crypto'
import type { ObjectSlug } from './attributes.ts'
import { notFound, serverError, unauthorized } from './errors.ts'
import { HttpFake, type SeenRequest, type Step } from './http.ts'
import { RateLimits } from './limits.ts'
import { NoteStore } from './notes.ts'
import { type FakeRecord, RecordStore, ok } from './records.ts'
import { TaskStore } from './tasks.ts'
import type { Actor, ResolveReference } from './values.ts'
import { type Workspace, defaultMembers, workspaceRoute } from './workspace.ts'

/**
 * A fake Attio workspace on Attio's REST API v2 (https://docs.attio.com/rest-api), a real HTTP
 * server on 127.0.0.1: people and companies records (`records.ts`: create, assert, get, update,
 * query with filters and sorts), tasks (`tasks.ts`), notes (`notes.ts`), workspace members and the
 * token check (`workspace.ts`), object and attribute definitions. Bodies and queries are checked
 * against schemas written from Attio's OpenAPI file (`schemas.ts`); a request outside them gets
 * Attio's 400 and lands in `violations`, which an adapter's tests assert to be empty. Errors are
 * in Attio's shape (`errors.ts`), and the rate limits are Attio's (`limits.ts`).
 *
 * A test can seed records, make calls fail (`failNext`) or be rate-limited (`rateLimitNext`),
 * lose a create's answer (`test/fakes/lost-answers.ts` with `isAttioCreate`), hold new records
 * and notes out of lists for a while (`queryLagMs`), and count calls per route (`calls`).
 *
 * Not served, as the gateway does not call them: deletes, lists and entries, webhooks, meetings,
 * comments, path filters and `filter_view_id`, writes to companies' `team`, attribute types other
 * than those in `attributes.ts`.
 */

export const ATTIO_TOKEN = 'fake-attio-token-5c1e0b9a7d'

export interface AttioFakeOptions {
  /** Attio: 100 reads and 25 writes a second. */
  readsPerSecond?: number
  writesPerSecond?: number
  /** How long a new record, task or note stays out of queries and lists. Attio documents no such
   * delay; set it to check that an adapter does not count on one being absent. */
  queryLagMs?: number
  /** Creating a person through the API finds or creates its company from its e-mail domain. */
  autoCompanies?: boolean
  /** Tasks are answered without `completed_at` (see `tasks.ts`). */
  omitTaskCompletedAt?: boolean
}

/** Whether a request creates something: a retry of it could make a second one. */
export function isAttioCreate(request: SeenRequest): boolean {
  if (request.method === 'POST') return /^\/v2\/(objects\/[^/]+\/records|tasks|notes)$/.test(request.path)
  return request.method === 'PUT' && /^\/v2\/objects\/[^/]+\/records$/.test(request.path)
}

/**
 * Domains of public mail services, for which Attio makes no company. Attio's list is not published;
 * this one is the fake's assumption.
 */
const PUBLIC_MAIL = new Set(['gmail.com', 'googlemail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'live.com', 'icloud.com', 'proton.me', 'aol.com'])

const UUID_SEGMENT = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/g

type Fault = { remaining: number; status: number; match: (request: SeenRequest) => boolean }

export class AttioFake {
  readonly violations: string[] = []
  readonly settings: Required<AttioFakeOptions>
  readonly workspace: Workspace
  readonly people: RecordStore
  readonly companies: RecordStore
  readonly tasks: TaskStore
  readonly notes: NoteStore
  readonly limits: RateLimits
  private readonly faults: Fault[] = []
  private readonly apiActor: Actor

  private constructor(
    readonly http: HttpFake,
    options: AttioFakeOptions,
  ) {
    this.settings = { readsPerSecond: 100, writesPerSecond: 25, queryLagMs: 0, autoCompanies: true, omitTaskCompletedAt: false, ...options }
    this.limits = new RateLimits(this.settings)
    this.workspace = { id: randomUUID(), slug: 'enginy-sandbox', name: 'Enginy Sandbox', tokenId: randomUUID(), createdAt: Date.now(), members: defaultMembers() }
    this.apiActor = { type: 'api-token', id: this.workspace.tokenId }
    const shared = {
      workspaceId: this.workspace.id,
      apiActor: this.apiActor,
      queryLagMs: () => this.settings.queryLagMs,
      violation: (problem: string) => this.violations.push(problem),
    }
    const records = {
      ...shared,
      workspaceSlug: this.workspace.slug,
      resolve: this.resolve,
      derived: (store: RecordStore, slug: string, record: FakeRecord) => this.derived(store, slug, record),
      created: (store: RecordStore, record: FakeRecord, written: ReadonlySet<string>) => this.created(store, record, written),
    }
    this.people = new RecordStore('people', records)
    this.companies = new RecordStore('companies', records)
    const store = (object: string) => this.store(object)
    this.tasks = new TaskStore({ ...shared, store, resolve: this.resolve, member: (key) => this.member(key), omitCompletedAt: () => this.settings.omitTaskCompletedAt })
    this.notes = new NoteStore({ ...shared, store })
  }

  static async start(options: AttioFakeOptions = {}): Promise<AttioFake> {
    let fake: AttioFake | undefined
    const http = await HttpFake.start((request) => fake!.handle(request))
    fake = new AttioFake(http, options)
    return fake
  }

  get url(): string {
    return this.http.url
  }

  close(): Promise<void> {
    return this.http.close()
  }

  /** Adds a person or company as a workspace member would in Attio's app; answers its id. */
  seed(object: ObjectSlug, values: Record<string, unknown>, at?: number): string {
    return this.store(object)!.seed(values, { type: 'workspace-member', id: this.workspace.members[0]!.id }, at).id
  }

  /** The next `count` requests that `match` are answered `status` without being applied. */
  failNext(count: number, status: number, match: (request: SeenRequest) => boolean = () => true): void {
    this.faults.push({ remaining: count, status, match })
  }

  /** The next `count` requests are answered 429, as if the window were full. */
  rateLimitNext(count: number): void {
    this.limits.forceNext(count)
  }

  /** Requests seen for a route, as `METHOD path` with ids as `{id}`: `PATCH /v2/tasks/{id}`. */
  calls(route: string): number {
    return this.http.requests.filter((r) => `${r.method} ${r.path.replace(UUID_SEGMENT, '/{id}')}` === route).length
  }

  /** Forgets the calls seen, for a test that counts from here. */
  resetCounts(): void {
    this.http.reset()
    this.limits.limited = 0
  }

  private handle(request: SeenRequest): Step {
    const auth = request.headers.authorization
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined
    const known = token === ATTIO_TOKEN
    // Identify answers whether a bearer token is active, rather than refusing an inactive one.
    if (!known && !(token && request.method === 'GET' && request.path === '/v2/self')) return unauthorized()
    const limited = this.limits.check(request)
    if (limited) return limited
    const fault = this.faults.find((f) => f.remaining > 0 && f.match(request))
    if (fault) {
      fault.remaining--
      return serverError(fault.status)
    }
    return this.route(request, known)
  }

  private route(r: SeenRequest, known: boolean): Step {
    const answer = workspaceRoute(r, this.workspace, known) ?? this.tasks.handle(r) ?? this.notes.handle(r) ?? this.objects(r)
    return answer ?? notFound(`No route for ${r.method} ${r.path}.`)
  }

  private objects(r: SeenRequest): Step | undefined {
    if (r.path === '/v2/objects' && r.method === 'GET') return ok([this.people.objectView(), this.companies.objectView()])
    const match = /^\/v2\/objects\/([^/]+)(\/.*)?$/.exec(r.path)
    if (!match) return undefined
    const store = this.store(match[1]!)
    if (!store) return notFound(`Object with slug/ID "${match[1]}" not found.`)
    return store.handle(r, match[2] ?? '')
  }

  /** A record store by object slug or object id. */
  private store(object: string): RecordStore | undefined {
    return [this.people, this.companies].find((store) => store.object === object || store.objectId === object)
  }

  private member(idOrEmail: string): string | undefined {
    const key = idOrEmail.toLowerCase()
    return this.workspace.members.find((m) => m.id === key || m.email_address === key)?.id
  }

  /** A reference by record id, by a unique attribute (`{domains: [{domain}]}`), or by a bare
   * e-mail address or domain. */
  private readonly resolve: ResolveReference = (target, item) => {
    const store = this.store(target)!
    const unique = target === 'people' ? 'email_addresses' : 'domains'
    if (typeof item === 'string') return store.holding(unique, item.trim().toLowerCase())[0]?.id ?? { problem: `No ${target} record has the ${unique} value "${item}".` }
    if (typeof item.target_record_id === 'string') {
      return store.records.has(item.target_record_id) ? item.target_record_id : { problem: `Record with ID "${item.target_record_id}" not found in ${target}.` }
    }
    const [slug, values] = Object.entries(item).find(([key]) => key !== 'target_object') ?? []
    const def = slug ? store.attribute(slug) : undefined
    if (!def?.unique || !Array.isArray(values) || values.length !== 1) return { problem: `A reference to ${target} needs target_record_id or one value of a unique attribute.` }
    const value = values[0]
    const wanted = typeof value === 'object' && value !== null ? Object.values(value)[0] : value
    return store.holding(def.slug, typeof wanted === 'string' ? wanted.toLowerCase() : wanted)[0]?.id ?? { problem: `No ${target} record matches ${slug}.` }
  }

  /** Companies' `team` is the people whose `company` is the company. */
  private derived(store: RecordStore, slug: string, record: FakeRecord): Record<string, unknown>[] {
    if (store !== this.companies || slug !== 'team') return []
    return [...this.people.records.values()]
      .filter((person) => this.people.valuesOf(person, 'company').some((ref) => ref.target_record_id === record.id))
      .map((person) => ({ target_object: 'people', target_record_id: person.id }))
  }

  /**
   * "When creating a person, a related company record will automatically be generated or matched
   * based on the domain of the person's email address"
   * (https://docs.attio.com/docs/standard-objects/standard-objects-people). The fake does it at
   * once, when the create names no company; Attio's timing is not documented.
   */
  private created(store: RecordStore, person: FakeRecord, written: ReadonlySet<string>): void {
    if (store !== this.people || !this.settings.autoCompanies || written.has('company')) return
    const domain = this.people.valuesOf(person, 'email_addresses')[0]?.email_domain
    if (typeof domain !== 'string' || PUBLIC_MAIL.has(domain)) return
    const system: Actor = { type: 'system', id: null }
    const company = this.companies.holding('domains', domain)[0] ?? this.companies.seed({ domains: [domain] }, system)
    this.people.write(person, { company: [{ target_object: 'companies', target_record_id: company.id }] }, system)
  }
}
