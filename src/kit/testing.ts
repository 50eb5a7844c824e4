/**
 * The test kit: everything an adapter's tests and its fake CRM need of the gateway, from one
 * module, beside the spec and utils modules its code uses. Its parts live with the conformance
 * suite (`test/conformance/`), which the gateway's own tests share:
 *
 * - the conformance suite, and what an adapter declares to run it: `adapters/<name>/conformance.ts`
 *   exports its `ConformanceTargets` as its default, and `test/conformance/adapters.test.ts` runs
 *   the suite for every adapter of the registry (a registered adapter without targets fails);
 * - the hooks a target gives the suite into its CRM: `fakeHooks` for a fake built on `HttpFake`,
 *   `withCrmFailures` for a CRM without HTTP (a database, the memory adapter's maps);
 * - `HttpFake`, the real HTTP server on 127.0.0.1 a fake CRM is built on, and the scripts of a
 *   create whose answer is lost (`loseFirstCreate`, `failFirstCreate`, `LOSING_TIMEOUTS`);
 * - a gateway built from a config object for an adapter's own tests (`testApp`, `headers`,
 *   `capturedLogger`), or from a whole config (`testConfig`, `testAppFromConfig`); one adapter
 *   opened alone, for tests of its exact requests (`openTestAdapter`); a mirror swept on demand
 *   (`sweepMirror`); and what such tests wait with (`waitFor`, `TestRedis`, `refusedPort`).
 */

/** The conformance suite: `describeAdapterConformance(name, setup, only?)`, and its groups of checks. */
export { type CheckGroup, describeAdapterConformance } from '../../test/conformance/suite.ts'
/** What a target is, what an adapter's `conformance.ts` exports, and the hooks of a fake CRM. */
export {
  type ConformanceTarget,
  type ConformanceTargets,
  type FakeFailures,
  type RecordKind,
  type UpstreamFailure,
  fakeHooks,
} from '../../test/conformance/target.ts'
/** Failures on demand for a CRM that is not an `HttpFake`. */
export { withCrmFailures } from '../../test/conformance/crm-failures.ts'
/** The HTTP server a fake CRM is built on. */
export { type Handler, HttpFake, type SeenRequest, type Step } from '../../test/conformance/fakes/http-fake.ts'
/** Creates whose answer is lost, as a fake scripts them. */
export { LOSING_TIMEOUTS, failFirstCreate, loseFirstCreate } from '../../test/conformance/fakes/lost-answers.ts'
/** A gateway in front of an adapter, for its own tests. */
export { KEY, LINK_TOKEN, type TestAppOptions, answer200, capturedLogger, headers, testApp } from '../../test/helpers/app.ts'
/** A whole config, a gateway built from one, one adapter opened alone, a gateway's adapter and
 * breaker, and a mirror swept now. */
export {
  MIRROR_TABLES,
  adapterOf,
  breakerState,
  openTestAdapter,
  silentLogger,
  sweepMirror,
  testAppFromConfig,
  testConfig,
} from '../../test/conformance/adapter-harness.ts'
/** Waits for state a timer or another process changes. */
export { waitFor } from '../../test/helpers/wait.ts'
/** A Redis server of the test's own, for an adapter whose state is shared through `coordination`. */
export { TestRedis } from '../../test/helpers/redis.ts'
/** A loopback port that refuses every connection: a CRM that cannot be reached. */
export { refusedPort } from '../../test/helpers/ports.ts'
/** A warning an adapter logs, as `capturedLogger`'s lines hold it. */
export type { AdapterWarning } from './spec.ts'
