import type { Dispatcher } from 'undici'
import type { AdapterRegistry } from '../../adapters/index.ts'
import type { HttpFake, SeenRequest, Step } from './fakes/http-fake.ts'

/** Contacts or companies: the kinds of record Enginy exports, syncs and updates. */
export type RecordKind = 'contacts' | 'companies'

/**
 * How a target's CRM can fail on demand: `unavailable`, every call a 5xx (or the database cut
 * off); `rate-limited`, every call a 429 asking a wait longer than any request's deadline (a daily
 * limit spent); `auth`, the gateway's credentials refused.
 */
export type UpstreamFailure = 'unavailable' | 'rate-limited' | 'auth'

/**
 * What the suite runs against: a connection of the adapter, the CRM behind it (a fake on
 * 127.0.0.1, a database, the memory adapter's own maps) and the hooks the suite needs to reach
 * into that CRM. A hook the target leaves out turns the checks that need it into skips, each with
 * its reason; none is ever counted as a pass.
 */
export interface ConformanceTarget {
  /** The connection entry of the config: `adapter` plus its options. */
  readonly connection: Record<string, unknown>
  /** The registry the connection's `adapter` is looked up in; default the gateway's own. */
  readonly registry?: AdapterRegistry
  readonly dispatcher?: Dispatcher
  /**
   * A native task id the CRM surely does not hold, of the task port's form (HubSpot: digits). The
   * suite checks both before any check uses it: a malformed one would make every "not found"
   * check pass without reaching the CRM.
   */
  readonly missingNativeId: string
  /**
   * `count` distinct native task ids the CRM surely does not hold, in its format: they fill the
   * batches of 2.5 times the declared sizes without creating thousands of tasks. Default: ids
   * like `missingNativeId`, its last characters counted up (`12345670000`, `12345670001`…),
   * those the task port's `isNativeId` accepts.
   */
  readonly missingNativeIds?: (count: number) => readonly string[]
  /** A native contact id the CRM surely does not hold, of the contact port's form (checked as
   * `missingNativeId` is); required where the adapter has a contacts port. */
  readonly missingContactId?: string
  /** A native company id the CRM surely does not hold, of the company port's form; required
   * where the adapter has a companies port. */
  readonly missingCompanyId?: string
  /** Enginy types the connection maps and reads back unchanged (through its typeMap). */
  readonly roundTripTypes?: readonly string[]
  /**
   * What the CRM cannot hold that the contract allows and the adapter's port cannot declare
   * (Close: a contact on one lead), answered 422 naming the field: the suite writes what the CRM
   * can hold everywhere else. Declare only what the CRM truly lacks.
   */
  readonly constraints?: {
    /** An activity's contact must be on the company it names: the suite associates them first. */
    readonly contactOnCompany?: boolean
  }
  /** Values the CRM accepts for ownerId / contactId / companyId (CRMs check these). */
  readonly refs?: { ownerId?: string; contactId?: string; companyId?: string }
  /**
   * The most records one answer of the CRM's batch reads and searches lists (a page). Before it
   * checks batch reads the suite makes more records than this, so that a read which lists the
   * CRM's first page instead of the records asked for (a wrong filter name) is caught. Default 100.
   */
  readonly pageSize?: number
  /** Makes the CRM answer every following call with one kind of failure, until `heal()`. A
   * failure the target cannot cause is left out, and the checks of it skip, saying so. */
  readonly breakUpstream?: Readonly<Partial<Record<UpstreamFailure, () => void>>>
  /** Makes the CRM answer as it did before `breakUpstream`. */
  readonly heal?: () => void
  /**
   * Makes the CRM apply the next create of `kind` it is sent and lose its answer: the connection
   * drops once the record is made, so the gateway cannot tell whether it was. The suite sends the
   * export again and expects one record.
   */
  readonly loseNextCreate?: (kind: RecordKind) => void
  /** The most requests the CRM saw at once, if the fake counts it. */
  readonly peakInFlight?: () => number
  /** Every request the CRM has seen, as `METHOD /path`, if the fake records them. */
  readonly seen?: () => readonly string[]
  /** What every request of the task operations looks like (`METHOD /path`): with `seen`, the
   * suite checks that ids a caller crafts never make the gateway call anything else. */
  readonly taskPaths?: RegExp
  /** Stops the gateway and the CRM the target started. */
  close(): Promise<void>
}

/**
 * What `adapters/<name>/conformance.ts` exports as its default: the targets the suite runs for
 * that adapter, by the name each is reported under (`hubspot`, `sql on SQLite`), each a function
 * that starts one (its fake CRM, its database) and answers it; the target's `close` stops it.
 */
export type ConformanceTargets = Readonly<Record<string, () => Promise<ConformanceTarget>>>

/** The CRM's own answers to a failure, for `fakeHooks`. */
export interface FakeFailures {
  /** Its answer to credentials it refuses: its 401 and body. */
  readonly auth: Step
  /** Its answer when it rate-limits for longer than any request waits (a daily limit spent). */
  readonly rateLimited: Step
  /** Whether a request is a create of contacts or of companies, for `loseNextCreate`. */
  readonly isCreate?: (kind: RecordKind, request: SeenRequest) => boolean
}

/**
 * The hooks of a target whose CRM is an `HttpFake`: `breakUpstream` makes it answer 503, the
 * CRM's own rate-limit answer or its refusal of credentials until `heal`; `loseNextCreate` drops
 * the connection after the next create of a kind is applied; `peakInFlight` and `seen` read its
 * counts. It takes over the fake's handler: set the handler before calling it.
 */
export function fakeHooks(
  http: HttpFake,
  failures: FakeFailures,
): Pick<ConformanceTarget, 'breakUpstream' | 'heal' | 'loseNextCreate' | 'peakInFlight' | 'seen'> {
  const crm = http.handler
  let losing: ((request: SeenRequest) => boolean) | undefined
  const serving: typeof crm = async (request) => {
    const step = await crm(request)
    if (!losing?.(request) || (step.status ?? 200) >= 300) return step
    losing = undefined
    return { ...step, reset: true }
  }
  http.handler = serving
  const failing = (step: Step) => () => {
    http.handler = () => step
  }
  const { isCreate } = failures
  return {
    breakUpstream: { unavailable: failing({ status: 503 }), 'rate-limited': failing(failures.rateLimited), auth: failing(failures.auth) },
    heal: () => {
      http.handler = serving
    },
    ...(isCreate && {
      loseNextCreate: (kind: RecordKind) => {
        losing = (request) => isCreate(kind, request)
      },
    }),
    peakInFlight: () => http.peakInFlight,
    seen: () => http.requests.map((request) => `${request.method} ${request.path}`),
  }
}
