import { afterAll, beforeAll, describe } from 'vitest'
import type { AdapterRegistry } from '../../adapters/index.ts'
import type { Dispatcher } from 'undici'
import type { HttpFake, Step } from '../fakes/http-fake.ts'
import { describeActivityChecks } from './activities.ts'
import { describeAssociationChecks } from './associations.ts'
import { Harness } from './harness.ts'
import { describeRecordChecks } from './records.ts'
import { describeReferenceChecks } from './references.ts'
import { describeTaskChecks } from './tasks.ts'
import { describeUserChecks, describeUnservedKinds } from './users.ts'

/**
 * The contract suite every adapter runs: `describeAdapterConformance('name', setup)` from the
 * adapter's own test file. It drives the adapter through the whole gateway with `inject()` and
 * checks each rule of Enginy's custom-CRM interface (tasks, contacts, companies, associations,
 * activities, users); a failure names the rule and the field. It reads the ports and capabilities
 * the adapter declares and branches on them, never on the adapter's name; a check the target
 * cannot run is reported as skipped, with the reason.
 */
export interface ConformanceTarget {
  /** The connection entry of the config: `adapter` plus its options. */
  readonly connection: Record<string, unknown>
  readonly registry?: AdapterRegistry
  readonly dispatcher?: Dispatcher
  /** A native task id the CRM surely does not hold, in its format (HubSpot: digits). */
  readonly missingNativeId: string
  /**
   * `count` distinct native task ids the CRM surely does not hold, in its format: they fill the
   * batches of 2.5 times the declared sizes without creating thousands of tasks. Default: ids
   * like `missingNativeId`, its last characters counted up (`12345670000`, `12345670001`…),
   * those the task port's `isNativeId` accepts.
   */
  readonly missingNativeIds?: (count: number) => readonly string[]
  /** A native id no contact or company of the CRM has, in its format. Default: `missingNativeId`. */
  readonly missingRecordNativeId?: string
  /** Enginy types the connection maps and reads back unchanged (through its typeMap). */
  readonly roundTripTypes?: readonly string[]
  /** Values the CRM accepts for ownerId / contactId / companyId (CRMs check these). */
  readonly refs?: { ownerId?: string; contactId?: string; companyId?: string }
  /** Makes the CRM answer every following call with a failure, until `heal()`. */
  readonly breakUpstream?: (kind: 'unavailable' | 'auth') => void
  readonly heal?: () => void
  /** The most requests the CRM saw at once, if the fake counts it. */
  readonly peakInFlight?: () => number
  /** Every request the CRM has seen, as `METHOD /path`, if the fake records them. */
  readonly seen?: () => readonly string[]
  /** What every request of the task operations looks like (`METHOD /path`): with `seen`, the
   * suite checks that ids a caller crafts never make the gateway call anything else. */
  readonly taskPaths?: RegExp
  close(): Promise<void>
}

/**
 * The failure hooks of a target whose CRM is an `HttpFake`: `breakUpstream` makes it answer 503
 * (or `authFailure` for 'auth') until `heal`, and `peakInFlight` reads its count.
 */
export function fakeHooks(
  http: HttpFake,
  authFailure: Step,
): Pick<ConformanceTarget, 'breakUpstream' | 'heal' | 'peakInFlight' | 'seen'> {
  const healthy = http.handler
  return {
    breakUpstream: (kind) => {
      http.handler = () => (kind === 'auth' ? authFailure : { status: 503 })
    },
    heal: () => {
      http.handler = healthy
    },
    peakInFlight: () => http.peakInFlight,
    seen: () => http.requests.map((request) => `${request.method} ${request.path}`),
  }
}

export function describeAdapterConformance(name: string, setup: () => Promise<ConformanceTarget>) {
  describe(`adapter conformance: ${name}`, () => {
    const h = new Harness()
    beforeAll(async () => {
      await h.start(await setup())
    })
    afterAll(async () => {
      await h.stop()
    })

    describeTaskChecks(h)
    describeRecordChecks(h, 'contacts')
    describeRecordChecks(h, 'companies')
    describeAssociationChecks(h)
    describeActivityChecks(h)
    describeReferenceChecks(h)
    describeUserChecks(h)
    describeUnservedKinds(h)
  })
}
