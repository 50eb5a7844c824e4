import { randomUUID } from 'node:crypto'
import { Account } from './account.ts'
import { Activities } from './activities.ts'
import type { StoreContext } from './context.ts'
import { Validator, closeError } from './errors.ts'
import { EventLog } from './events.ts'
import { Faults } from './faults.ts'
import { HttpFake, type SeenRequest, type Step, loseFirstCreate } from './http.ts'
import { type Limit, RateLimits, groupOf } from './limits.ts'
import { Records } from './records.ts'
import { dispatch, routes, served } from './routes.ts'
import { Search } from './search.ts'
import { Tasks } from './tasks.ts'

/**
 * A fake Close organization (REST API v1, `https://api.close.com/api/v1/`), a real HTTP server on
 * 127.0.0.1 behaving as Close's reference and recorded answers describe it. Each module holds one
 * part and names its sources: `records.ts` (leads, contacts), `tasks.ts`, `activities.ts` (notes,
 * e-mails, completions), `search.ts` (Advanced Filtering), `events.ts` (event log), `account.ts`
 * (users, custom fields), `limits.ts` (rate limits), `errors.ts` (error shapes), `schemas.ts` and
 * `query-schemas.ts` (what the fake takes). A request Close would refuse, or one that would make
 * Close act (send an e-mail), is recorded in `violations`, which tests assert to be empty.
 *
 * A test can seed records (`seed`), make calls fail (`failNext`) or be rate-limited
 * (`rateLimitNext`), lose a create's answer (`loseNextCreate`), hold new records out of search
 * (`searchLagMs`), and count calls per route (`calls`). Not served, as the gateway does not call
 * them: deletes (a 405), opportunities, calls, SMS and other activity types, bulk actions, exports,
 * webhooks, custom field writes, the deprecated `query` parameter of `GET /lead/`, and search over
 * other object types than leads and contacts.
 *
 * In the order a call meets them:
 * - a request line longer than `maxUrlLength` is a 414. Close publishes no limit; front ends
 *   commonly refuse request lines past 8 KB (nginx's default `large_client_header_buffers`), which
 *   bounds how many ids fit in one `id__in`;
 * - the credential is HTTP Basic with the API key as user name and an empty password
 *   (developer.close.com/api/overview/authentication: `curl -u yourapikey:`), else a 401;
 * - a path missing its trailing slash is redirected to the same path with it: a 308 with
 *   `Location`, which keeps the method and body, for GET and POST alike. Close says a call
 *   without the slash costs "an unnecessary (+200ms) redirect" (closeio/closeio-api issue 107); it
 *   serves its API with Flask (its 401 body is Werkzeug's stock one: nested-tech/closex,
 *   get_lead_invalid_key.json), whose router answers such a path 308 since Werkzeug 0.15
 *   (pallets/werkzeug pull request 1342). The 308 itself was not checked against a live account;
 *   undici does not follow it, so the gateway sees it as an error: always send the slash;
 * - the endpoint group's rate limit (`limits.ts`), then any failure a test planned;
 * - a POST or PUT whose body is not declared `application/json` is a 415, "the request used an
 *   unsupported format" (developer.close.com/api/overview/http-response-codes; which formats Close
 *   takes besides JSON was not checked), then the call.
 */
export const CLOSE_API_KEY = 'api_5FakeCloseKey0Enginy0Gw.4u7hF4k3Cl0s3K3yS4ndb0x'

export interface CloseFakeOptions {
  /** The organization's API keys; each acts as one of its users, in order. */
  apiKeys?: string[]
  /** Per-key limits by endpoint group (`read lead`, `write data`…); the organization gets 3×. */
  limits?: Record<string, Limit>
  rateLimitSeparator?: ', ' | '; '
  /** How long a new lead or contact stays out of search results. */
  searchLagMs?: number
  /** The `_skip` cap of offset lists. */
  maxSkip?: number
  maxUrlLength?: number
  /** Changes to one object closer together than this make one event. */
  consolidateEventsMs?: number
}

export class CloseFake {
  readonly v = new Validator()
  readonly violations = this.v.violations
  readonly account = new Account()
  readonly events: EventLog
  readonly records: Records
  readonly tasks: Tasks
  readonly activities: Activities
  readonly search: Search
  readonly limits: RateLimits
  readonly faults = new Faults()
  /** 308s answered to paths without their trailing slash. */
  redirects = 0
  private readonly table: ReturnType<typeof routes>

  private constructor(
    readonly http: HttpFake,
    private readonly options: Required<CloseFakeOptions>,
  ) {
    this.events = new EventLog(this.account.organizationId, () => this.options.consolidateEventsMs)
    const ctx: StoreContext = {
      v: this.v,
      account: this.account,
      events: this.events,
      searchLagMs: () => this.options.searchLagMs,
      maxSkip: () => this.options.maxSkip,
    }
    this.records = new Records(ctx, (leadId) => this.tasks.openOf(leadId))
    this.activities = new Activities(ctx, this.records)
    this.tasks = new Tasks(ctx, this.records, (task, actor) => this.activities.recordCompletion(task, actor))
    this.search = new Search(ctx, this.records)
    this.limits = new RateLimits(options.limits, options.rateLimitSeparator)
    this.table = routes({ ...ctx, records: this.records, tasks: this.tasks, activities: this.activities, search: this.search })
  }

  static async start(options: CloseFakeOptions = {}): Promise<CloseFake> {
    const resolved: Required<CloseFakeOptions> = {
      apiKeys: [CLOSE_API_KEY],
      limits: {},
      rateLimitSeparator: ', ',
      searchLagMs: 0,
      maxSkip: 10_000,
      maxUrlLength: 8192,
      consolidateEventsMs: 0,
      ...options,
    }
    let fake: CloseFake | undefined
    const http = await HttpFake.start((request) => fake!.handle(request))
    fake = new CloseFake(http, resolved)
    return fake
  }

  get url(): string {
    return this.http.url
  }

  close(): Promise<void> {
    return this.http.close()
  }

  /**
   * Records as if made in Close's UI by the organization's first user, for tests and benchmarks:
   * no call is made or counted. Each answers the record as Close shows it; a body Close would
   * refuse throws.
   */
  seed(path: 'lead' | 'contact' | 'task' | 'activity/note', body: Record<string, unknown>): Record<string, unknown> {
    const actor = { user: this.account.users[0]!, requestId: 'seed' }
    const made = {
      lead: () => this.records.createLead(body, actor),
      contact: () => this.records.createContact(body, actor),
      task: () => this.tasks.create(body, actor),
      'activity/note': () => this.activities.createNote(body, actor),
    }[path]()
    if (made.status !== 200) throw new Error(`the fake Close refuses this ${path}: ${JSON.stringify(made.body)}`)
    return made.body as Record<string, unknown>
  }

  /** The next create at `path` is applied, then its answer lost: the connection dropped, or sent too late. */
  loseNextCreate(path: 'lead' | 'contact' | 'task' | 'activity/note' | 'activity/email', how: 'reset' | 'late'): void {
    loseFirstCreate(this.http, (request) => request.method === 'POST' && request.path === `/api/v1/${path}/`, how)
  }

  /** The next `times` calls of `method` on a path matching `path` answer `status`, applying nothing. */
  failNext(method: 'GET' | 'POST' | 'PUT', path: RegExp, status: 500 | 502 | 503 | 504, times = 1): void {
    this.faults.fail(method, path, status, times)
  }

  /** The next `times` calls of an endpoint group answer 429. */
  rateLimitNext(group: string, times = 1): void {
    this.limits.forceNext(group, times)
  }

  /** Calls received, by `METHOD /path/` with ids as `{id}`. */
  calls(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const { method, path } of this.http.requests) {
      const route = `${method} ${path.replace(/\/[a-z]+_[A-Za-z0-9]+(?=\/)/g, '/{id}')}`
      counts[route] = (counts[route] ?? 0) + 1
    }
    return counts
  }

  private handle(request: SeenRequest): Step {
    const query = request.query.toString()
    if (request.path.length + (query ? query.length + 1 : 0) > this.options.maxUrlLength) return { status: 414 }
    const key = this.keyOf(request)
    if (key === undefined) return closeError.unauthorized()
    if (!request.path.endsWith('/') && served(this.table, `${request.path}/`)) {
      this.redirects++
      return { status: 308, headers: { location: `${request.path}/${query ? `?${query}` : ''}` } }
    }
    const { headers, refused } = this.limits.take(key, groupOf(request.method, request.path))
    const step = refused ?? this.faults.take(request) ?? this.unsupportedFormat(request) ?? dispatch(this.table, this.v, request, { user: this.account.userOf(key), requestId: `req_${randomUUID()}` })
    return { ...step, headers: { ...headers, ...step.headers } }
  }

  private unsupportedFormat(request: SeenRequest): Step | undefined {
    if (request.method === 'GET' || request.headers['content-type']?.startsWith('application/json')) return undefined
    return { status: 415, body: { error: 'Send the body as JSON, with Content-Type: application/json.' } }
  }

  /** The index of the API key of an HTTP Basic credential `key:` (empty password), if it is one. */
  private keyOf(request: SeenRequest): number | undefined {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.headers.authorization ?? '')
    if (!match) return undefined
    const decoded = Buffer.from(match[1]!, 'base64').toString()
    const index = this.options.apiKeys.findIndex((key) => decoded === `${key}:`)
    return index < 0 ? undefined : index
  }
}
