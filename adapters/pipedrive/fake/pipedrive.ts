import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { HttpFake, type SeenRequest, type Step } from '../../../src/kit/testing.ts'
import { ORGANIZATION_FIELDS, PERSON_FIELDS, PIPEDRIVE_COMPANY_DOMAIN, USERS } from './account.ts'
import { type FakeActivity, FakeActivities } from './activities.ts'
import { isSearch, tokenCost } from './costs.ts'
import { type FakeOrg, type FakePerson, orgSpec, personSpec } from './records.ts'
import { FieldsQuery } from './schemas.ts'
import { FakeWebhooks } from './webhooks.ts'
import { type FakeContext, FakeStore, ok } from './store.ts'

export { PIPEDRIVE_COMPANY_DOMAIN, PIPEDRIVE_FIELDS } from './account.ts'
export { PERSON_ID_READ_ONLY } from './activities.ts'

/**
 * A fake Pipedrive company, behaving as Pipedrive's API reference describes it: API v2
 * activities, persons and organizations (with search), v1 users, current user, activity types
 * and field definitions. Request bodies and queries are checked against schemas written here
 * from that reference (`schemas.ts`); a mismatch gets Pipedrive's 400 and lands in
 * `violations`, which the tests assert to be empty.
 *
 * Its limits are Pipedrive's: a burst window for every call (`burst` per `windowMs`), a window
 * of search's own (`searchBurst` per `searchWindowMs`, 10 per 2 s on every plan), and a daily
 * token budget (`dailyTokens`) that each call spends at its documented cost (`costs.ts`),
 * counted in `tokens`.
 */

export const PIPEDRIVE_TOKEN = 'fake-pd-token-9c8b7a6d5e'

/** Every request the task operations make, as `METHOD /path`: activities and activity types. */
export const PIPEDRIVE_TASK_PATHS = /^(POST \/api\/v2\/activities|GET \/api\/v2\/activities|(GET|PATCH) \/api\/v2\/activities\/[1-9]\d*|GET \/api\/v1\/activityTypes)$/

export interface PipedriveFakeOptions {
  /** Requests allowed per burst window. */
  burst?: number
  windowMs?: number
  /** Search requests allowed per search window (they count in the burst window too). */
  searchBurst?: number
  searchWindowMs?: number
  /** The company's daily token budget. */
  dailyTokens?: number
  /** How long a new person or organization stays out of search results: Pipedrive's search index
   * trails its writes (`finder.ts` allows for it); how long, no live account has shown. */
  searchLagMs?: number
}

const OVER_LIMIT = { success: false, error: 'Request over limit', errorCode: 429 }

export class PipedriveFake {
  readonly violations: string[] = []
  readonly users = USERS
  readonly persons: FakeStore<FakePerson>
  readonly orgs: FakeStore<FakeOrg>
  private readonly activityStore: FakeActivities
  readonly webhooks: FakeWebhooks
  /** Tokens spent, in all and by `METHOD path` with ids as `{id}`. */
  tokens = 0
  readonly tokensByRoute = new Map<string, number>()
  /** 429s of search's own window, and of the spent daily budget (the burst window's are `http.rateLimited`). */
  searchLimited = 0
  budgetLimited = 0
  /** OAuth access tokens the API takes besides the API token: an OAuth server's (`oauth.ts`). */
  oauth?: { accepts(request: SeenRequest): boolean }

  private constructor(
    readonly http: HttpFake,
    private readonly options: Required<PipedriveFakeOptions>,
  ) {
    const ctx: FakeContext = { check: (schema, value, operation) => this.check(schema, value, operation), invalid: (problem, violation) => this.invalid(problem, violation) }
    const lag = () => this.options.searchLagMs
    this.orgs = new FakeStore(ctx, orgSpec(ctx), 41, lag)
    this.persons = new FakeStore(ctx, personSpec(ctx, (id) => this.orgs.visible(id) !== undefined), 31, lag)
    this.activityStore = new FakeActivities(ctx, { person: (id) => this.persons.visible(id) !== undefined, org: (id) => this.orgs.visible(id) !== undefined })
    this.webhooks = new FakeWebhooks(ctx)
    this.persons.onEvent = (action, record, previous, mergedTo) => this.webhooks.emit('person', action, record, previous, mergedTo)
    this.orgs.onEvent = (action, record, previous, mergedTo) => this.webhooks.emit('organization', action, record, previous, mergedTo)
    // The records the task tests link to: persons 31-33, organizations 41-42.
    for (const name of ['Ann Archer', 'Bob Baker', 'Cat Cooper']) this.persons.insert({ name })
    for (const name of ['Acme', 'Globex']) this.orgs.insert({ name })
  }

  static async start(options: PipedriveFakeOptions = {}): Promise<PipedriveFake> {
    const windowMs = options.windowMs ?? 2000
    const resolved = { burst: 1_000_000, searchBurst: 10, searchWindowMs: windowMs, dailyTokens: Number.POSITIVE_INFINITY, searchLagMs: 0, ...options, windowMs }
    let fake: PipedriveFake | undefined
    const http = await HttpFake.start((request) => fake!.handle(request))
    fake = new PipedriveFake(http, resolved)
    http.rateLimit = {
      requests: resolved.burst,
      windowMs: resolved.windowMs,
      onLimited: () => ({ status: 429, headers: fake!.limitHeaders(), body: OVER_LIMIT }),
    }
    return fake
  }

  get url(): string {
    return this.http.url
  }

  get activities(): Map<number, FakeActivity> {
    return this.activityStore.activities
  }

  get types() {
    return this.activityStore.types
  }

  close(): Promise<void> {
    return this.http.close()
  }

  /** Adds `count` open call activities with ids from `start`, for benchmarks and load tests. */
  seed(count: number, start: number): string[] {
    return this.activityStore.seed(count, start)
  }

  /**
   * Merges person `from` into `into`, as Pipedrive's merge does: `into` takes `from`'s e-mails it
   * lacks, `from` is deleted; the webhooks say a delete with `merged_to_id`, then a change.
   */
  mergePersons(from: number, into: number): void {
    const gone = this.persons.visible(from)!
    const kept = this.persons.visible(into)!
    const emails = [...kept.emails, ...gone.emails.filter((e) => !kept.emails.some((k) => k.value.toLowerCase() === e.value.toLowerCase())).map((e) => ({ ...e, primary: false }))]
    this.persons.remove(from, into)
    this.persons.change(kept, { emails })
  }

  /** Soft-deletes an activity, as Pipedrive does: it stays, marked `is_deleted`. */
  delete(id: number): void {
    const activity = this.activities.get(id)
    if (activity) activity.is_deleted = true
  }

  /** Spent tokens and calls since `reset`, for the cost tests. */
  resetCounts(): void {
    this.http.reset()
    this.tokens = 0
    this.tokensByRoute.clear()
    this.searchLimited = 0
    this.budgetLimited = 0
  }

  private handle(request: SeenRequest): Step {
    const authorized =
      request.headers['x-api-token'] === PIPEDRIVE_TOKEN ||
      request.headers.authorization === `Bearer ${PIPEDRIVE_TOKEN}` ||
      this.oauth?.accepts(request) === true
    if (!authorized) return { status: 401, body: { success: false, error: 'unauthorized access', errorCode: 401, error_info: 'Please check the API token' } }
    const cost = tokenCost(request.method, request.path)
    // Calls are blocked "once this budget is exhausted" (the rate-limiting page): the last call
    // that goes through may overdraw it, and answers 0 left.
    if (this.tokens >= this.options.dailyTokens) {
      this.budgetLimited++
      return { status: 429, headers: { ...this.limitHeaders(), ...this.budgetHeaders() }, body: { ...OVER_LIMIT, error: 'Daily token budget exceeded' } }
    }
    if (isSearch(request.path) && this.searchesInWindow(request) >= this.options.searchBurst) {
      this.searchLimited++
      return { status: 429, headers: this.searchHeaders(), body: OVER_LIMIT }
    }
    const step = this.route(request)
    if (step.status !== 401) {
      this.tokens += cost
      const route = `${request.method} ${request.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`
      this.tokensByRoute.set(route, (this.tokensByRoute.get(route) ?? 0) + cost)
    }
    return { ...step, headers: { ...this.limitHeaders(), ...this.budgetHeaders(), ...step.headers } }
  }

  private route(r: SeenRequest): Step {
    const answer = this.activityStore.handle(r) ?? this.persons.handle(r) ?? this.orgs.handle(r) ?? this.webhooks.handle(r) ?? this.account(r)
    return answer ?? { status: 404, body: { success: false, error: 'Unknown method .', errorCode: 404 } }
  }

  private account(r: SeenRequest): Step | undefined {
    if (r.method !== 'GET') return undefined
    if (r.path === '/api/v1/users') return ok(this.users)
    if (r.path === '/api/v1/users/me') {
      const me = this.users[0]!
      return ok({ ...me, is_you: true, company_id: 7001, company_name: 'Enginy Sandbox', company_domain: PIPEDRIVE_COMPANY_DOMAIN })
    }
    const fields = r.path === '/api/v1/personFields' ? PERSON_FIELDS : r.path === '/api/v1/organizationFields' ? ORGANIZATION_FIELDS : undefined
    if (!fields) return undefined
    const query = Object.fromEntries(r.query)
    const bad = this.check(FieldsQuery, query, `GET ${r.path}`)
    if (bad) return bad
    const start = Number(query.start ?? 0)
    const limit = Number(query.limit ?? 100)
    const more = start + limit < fields.length
    return { status: 200, body: { success: true, data: fields.slice(start, start + limit), additional_data: { start, limit, more_items_in_collection: more } } }
  }

  private check(schema: TSchema, value: unknown, operation: string): Step | undefined {
    const first = Value.Errors(schema, value).First()
    if (!first) return undefined
    return this.invalid(`${operation}: ${first.path || '/'} ${first.message}`)
  }

  private invalid(problem: string, violation = true): Step {
    if (violation) this.violations.push(problem)
    return { status: 400, body: { success: false, error: problem, error_info: 'Please check developers.pipedrive.com', code: 'ERR_SCHEMA_VALIDATION_FAILED' } }
  }

  private searchesInWindow(seen: SeenRequest): number {
    return this.http.requests.filter((r) => r !== seen && isSearch(r.path) && r.at > seen.at - this.options.searchWindowMs).length
  }

  private searchHeaders(): Record<string, string> {
    const now = Date.now()
    const recent = this.http.requests.filter((r) => isSearch(r.path) && r.at > now - this.options.searchWindowMs)
    const oldest = recent[0]?.at ?? now
    return {
      'x-ratelimit-limit': String(this.options.searchBurst),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.max(1, Math.ceil((oldest + this.options.searchWindowMs - now) / 1000))),
    }
  }

  /** The daily budget, under the live API's header names (absent from the documentation). */
  private budgetHeaders(): Record<string, string> {
    if (!Number.isFinite(this.options.dailyTokens)) return {}
    return {
      'x-daily-ratelimit-token-limit': String(this.options.dailyTokens),
      'x-daily-ratelimit-token-remaining': String(Math.max(0, this.options.dailyTokens - this.tokens)),
    }
  }

  limitHeaders(): Record<string, string> {
    const now = Date.now()
    const recent = this.http.requests.filter((r) => r.at > now - this.options.windowMs)
    const oldest = recent[0]?.at ?? now
    return {
      'x-ratelimit-limit': String(this.options.burst),
      'x-ratelimit-remaining': String(Math.max(0, this.options.burst - recent.length)),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil((oldest + this.options.windowMs - now) / 1000))),
    }
  }
}
