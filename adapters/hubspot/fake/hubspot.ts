import { HttpFake, type SeenRequest, type Step } from '../../../src/kit/testing.ts'
import { Validator, error, rateLimited } from './answers.ts'
import { ContactCompanyLinks } from './associations.ts'
import { Engagements } from './engagements.ts'
import { ObjectStore } from './objects.ts'
import { type Owner, accountDetails, listOwners, listProperties } from './portal.ts'
import { type ObjectType, portalProperties } from './properties.ts'
import { search } from './search.ts'
import { type Task, TaskHandlers } from './tasks.ts'

/**
 * A fake HubSpot portal on HubSpot's date-versioned API (`/crm/objects/2026-09/tasks`…, versions
 * 2026-03 and 2026-09), behaving as HubSpot's API reference describes it: tasks with their
 * association reads and writes; contacts and companies (batch read, create and update, unique
 * e-mail, `objects.ts`); search (`search.ts`) with its own per-second limit;
 * emails and communications (`engagements.ts`); contact-to-company default associations
 * (`associations.ts`); owners with paging, account info and property definitions
 * (`portal.ts`). The legacy v3/v4 paths answer 404, so nothing calls them any more, unless
 * `legacy` is set (the peer benchmark's official SDK still calls them). Each request body is
 * checked against a schema written here from that reference; a request that does not match gets
 * HubSpot's 400 and is recorded in `violations`, which the tests assert to be empty.
 *
 * Rate limits: the 10-second window (`perWindow`) counts every call but the ones HubSpot exempts
 * from it (search and the v4 association batches: `x-hubspot-rate-limit-exemptions: ten-secondly`
 * in its OpenAPI files); search has its own limit of `searchPerSecond` (HubSpot: 5 a second) and
 * a 429 `SECONDLY` past it; search answers carry no `X-HubSpot-RateLimit-*` headers.
 */

export const HUBSPOT_TOKEN = 'pat-na1-fake-0a1b2c3d-4e5f'

/** The API versions the fake serves. */
export const HUBSPOT_VERSIONS = ['2026-03', '2026-09']

/** Every request the task operations make, as `METHOD /path`: tasks, their associations, owners. */
export const HUBSPOT_TASK_PATHS =
  /^(POST \/crm\/objects\/2026-(03|09)\/tasks(\/batch\/(read|update)|\/search)?|GET \/crm\/objects\/2026-(03|09)\/tasks|(GET|PATCH) \/crm\/objects\/2026-(03|09)\/tasks\/[1-9]\d*|POST \/crm\/associations\/2026-(03|09)\/tasks\/(contacts|companies)\/batch\/read|(PUT|DELETE) \/crm\/objects\/2026-(03|09)\/tasks\/[1-9]\d*\/associations\/(contacts|companies)\/[1-9]\d*|GET \/crm\/owners\/2026-(03|09))$/

export interface HubSpotFakeOptions {
  /** Requests allowed per rolling window (TEN_SECONDLY_ROLLING), 100 for a Starter portal. */
  perWindow?: number
  windowMs?: number
  /** Requests allowed per day; past it every call is a DAILY 429. */
  daily?: number
  /** Also serve the legacy v3/v4 paths. */
  legacy?: boolean
  /** Search requests allowed in any second (HubSpot's search guide: 5). */
  searchPerSecond?: number
  /** How long a new record stays out of search results (HubSpot: "a few moments"). */
  searchLagMs?: number
  /** The most results one search pages through (HubSpot: 10,000; a 400 past it). */
  searchMaxResults?: number
}

/** Calls HubSpot exempts from the 10-second limit: search, and the v4 association batches. */
const EXEMPT_FROM_WINDOW = /^\/crm\/(objects\/[^/]+\/[a-z_]+\/search|associations\/[^/]+\/[a-z_]+\/[a-z_]+\/batch\/[a-z/_]+)$/
const SEARCH_PATH = /^\/crm\/objects\/[^/]+\/[a-z_]+\/search$/

export class HubSpotFake {
  private readonly v = new Validator()
  readonly violations: string[] = this.v.violations
  readonly tasks = new Map<string, Task>()
  readonly owners: Owner[] = [
    { id: '111', email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', userId: 9001 },
    { id: '222', email: 'bob@example.com', firstName: 'Bob', lastName: 'Marsh', userId: 9002 },
  ]
  readonly properties = portalProperties()
  readonly contacts: ObjectStore
  readonly companies: ObjectStore
  readonly emails: Engagements
  readonly communications: Engagements
  readonly contactCompanies: ContactCompanyLinks
  private readonly taskHandlers: TaskHandlers
  /** The portal (Hub ID) and UI host the account-info API answers. */
  portalId = 146_231_845
  uiDomain = 'app.hubspot.com'
  /** Searches refused with a SECONDLY 429. */
  searchRateLimited = 0
  private readonly searchTimes: number[] = []
  private nextId = 90_000_000_001
  private dailyUsed = 0

  private constructor(
    readonly http: HttpFake,
    private readonly options: Required<HubSpotFakeOptions>,
  ) {
    const store = (type: ObjectType) =>
      new ObjectStore(type, this.properties[type], this.v, () => String(this.nextId++), () => this.owners, () => this.options.searchLagMs)
    this.contacts = store('contacts')
    this.companies = store('companies')
    const records = { contacts: this.contacts, companies: this.companies }
    this.emails = new Engagements(store('emails'), records, this.v)
    this.communications = new Engagements(store('communications'), records, this.v)
    this.contactCompanies = new ContactCompanyLinks(this.contacts, this.companies, this.v)
    this.taskHandlers = new TaskHandlers(
      this.tasks,
      this.v,
      records,
      () => this.owners,
      () => String(this.nextId++),
      () => this.options.searchLagMs,
      () => this.options.searchMaxResults,
    )
    // Records the task tests link to, as a portal would already hold them.
    for (const id of ['501', '502', '503']) this.contacts.add({ email: `contact${id}@example.org`, firstname: `Contact ${id}` }, id)
    for (const id of ['701', '702']) this.companies.add({ name: `Company ${id}`, domain: `company${id}.example.org` }, id)
  }

  static async start(options: HubSpotFakeOptions = {}): Promise<HubSpotFake> {
    const resolved = { perWindow: 1_000_000, windowMs: 10_000, daily: 1_000_000_000, legacy: false, searchPerSecond: 5, searchLagMs: 0, searchMaxResults: 10_000, ...options }
    let fake: HubSpotFake | undefined
    const http = await HttpFake.start((request) => fake!.handle(request))
    fake = new HubSpotFake(http, resolved)
    http.rateLimit = {
      requests: resolved.perWindow,
      windowMs: resolved.windowMs,
      onLimited: () => rateLimited('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'),
      exempt: (request) => EXEMPT_FROM_WINDOW.test(request.path),
    }
    return fake
  }

  /** Adds `count` open tasks with ids from `start`, each with contact 501 and company 701, for
   * benchmarks and load tests; made and last changed at `at`. */
  seed(count: number, start: number, at = new Date()): string[] {
    const now = at.toISOString()
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const id = String(start + i)
      this.tasks.set(id, {
        id,
        properties: { hs_task_subject: `seeded ${i}`, hs_task_status: 'NOT_STARTED', hs_timestamp: now, hs_task_type: 'TODO' },
        createdAt: now,
        updatedAt: now,
        associations: { contacts: new Set(['501']), companies: new Set(['701']) },
      })
      ids.push(id)
    }
    return ids
  }

  get url(): string {
    return this.http.url
  }

  close(): Promise<void> {
    return this.http.close()
  }

  private handle(request: SeenRequest): Step {
    if (request.headers.authorization !== `Bearer ${HUBSPOT_TOKEN}`) {
      return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.')
    }
    if (++this.dailyUsed > this.options.daily) return rateLimited('DAILY', 'You have reached your daily limit.')
    if (SEARCH_PATH.test(request.path)) {
      const refused = this.searchLimited(request.at)
      if (refused) return refused
      return this.route(request)
    }
    const step = this.route(request)
    return { ...step, headers: { ...this.limitHeaders(), ...step.headers } }
  }

  /** HubSpot's search limit: `searchPerSecond` in any second, else a SECONDLY 429. */
  private searchLimited(at: number): Step | undefined {
    while (this.searchTimes.length > 0 && this.searchTimes[0]! <= at - 1000) this.searchTimes.shift()
    if (this.searchTimes.length >= this.options.searchPerSecond) {
      this.searchRateLimited++
      return rateLimited('SECONDLY', 'You have reached your secondly limit.')
    }
    this.searchTimes.push(at)
    return undefined
  }

  /** The path without its API version (`/crm/objects/tasks/7`), or `undefined` for one the fake
   * does not serve: an unknown version, or a legacy path when `legacy` is off. */
  private unversioned(path: string): string | undefined {
    const dated = /^\/(crm\/objects|crm\/associations|crm\/owners|crm\/properties|account-info)\/(\d{4}-\d{2})(\/.*)?$/.exec(path)
    if (dated) return HUBSPOT_VERSIONS.includes(dated[2]!) ? `/${dated[1]}${dated[3] ?? ''}` : undefined
    const legacy = this.options.legacy ? /^\/crm\/v[34](\/.*)$/.exec(path) : null
    return legacy ? `/crm${legacy[1]}` : undefined
  }

  private route(r: SeenRequest): Step {
    const { method } = r
    const path = this.unversioned(r.path)
    if (path === undefined) return error(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${r.path}`)
    const task = this.taskHandlers.route(r, path)
    if (task) return task
    if (method === 'GET' && path === '/crm/owners') return listOwners(this.owners, this.v, r)
    return this.routeCrm(r, path) ?? error(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${path}`)
  }

  /** Everything but tasks and owners: records, search, engagements, associations, the portal. */
  private routeCrm(r: SeenRequest, path: string): Step | undefined {
    const objects = /^\/crm\/objects\/(contacts|companies|emails|communications)(\/batch\/(read|create|update)|\/search)?$/.exec(path)
    if (objects && r.method === 'POST') {
      const type = objects[1] as ObjectType
      const store = type === 'contacts' || type === 'companies' ? this[type] : this[type].store
      if (objects[2] === '/search') {
        const links = type === 'contacts' || type === 'companies' ? undefined : this[type].associations
        return search(store, this.v, r, links, this.options.searchLagMs, this.options.searchMaxResults)
      }
      if (objects[3] === 'read') return store.batchRead(r)
      if (type === 'contacts' || type === 'companies') {
        if (objects[3] === 'create') return store.batchCreate(r)
        if (objects[3] === 'update') return store.batchUpdate(r)
      } else if (objects[2] === undefined) {
        return this[type].create(r)
      }
      return undefined
    }
    if (r.method === 'POST' && path === '/crm/associations/contacts/companies/batch/associate/default') return this.contactCompanies.associateDefault(r)
    if (r.method === 'POST' && path === '/crm/associations/contacts/companies/batch/read') return this.contactCompanies.read(r)
    const links = /^\/crm\/associations\/(emails|communications)\/(contacts|companies)\/batch\/read$/.exec(path)
    if (links && r.method === 'POST') return this[links[1] as 'emails' | 'communications'].readLinks(links[2] as 'contacts' | 'companies', r)
    const properties = /^\/crm\/properties\/(contacts|companies|emails|communications)$/.exec(path)
    if (properties && r.method === 'GET') return listProperties(this.properties, properties[1] as ObjectType)
    if (r.method === 'GET' && path === '/account-info/details') return accountDetails(this.portalId, this.uiDomain)
    return undefined
  }

  private limitHeaders(): Record<string, string> {
    const windowStart = Date.now() - this.options.windowMs
    const used = this.http.requests.filter((r) => r.at > windowStart && !EXEMPT_FROM_WINDOW.test(r.path)).length
    return {
      'x-hubspot-ratelimit-max': String(this.options.perWindow),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, this.options.perWindow - used)),
      'x-hubspot-ratelimit-interval-milliseconds': String(this.options.windowMs),
      'x-hubspot-ratelimit-daily': String(this.options.daily),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, this.options.daily - this.dailyUsed)),
    }
  }
}

