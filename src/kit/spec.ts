/**
 * The adapter specification: the seam between the gateway's core and an adapter, types only, and
 * the version they belong to. It imports nothing from the core — its files (`src/kit/spec/`)
 * import only one another, and the types of TypeBox and pino — so the core can change behind it;
 * a test (`test/kit/spec-leaf.test.ts`) checks it. An adapter's code takes its types from here and
 * its helpers from `utils.ts`; its tests and fake CRM take the test kit, `testing.ts`. Nothing
 * else of `src/` is an adapter's to import (`test/kit/adapter-imports.test.ts` checks it).
 *
 * Widening this module is a decision: `test/kit/kit-exports.test.ts` lists every export.
 *
 * @module
 */

/** The version of the seam these types describe; `AdapterV2.specificationVersion` holds it. */
export const ADAPTER_SPEC_VERSION = 'v2'

export type { ActivityKind, ActivityPort, CreatedActivityLookup, NativeActivity, NativeActivityInput } from './spec/activities.ts'
export type { AdapterV2, Kind, TaskAdapterV1 } from './spec/adapters.ts'
export type { AssociationPair, AssociationPort } from './spec/associations.ts'
export type { AdapterWarning, CallOptions, WriteLog } from './spec/call-options.ts'
export type { Change, ChangeFeed, ChangePage } from './spec/changes.ts'
export type { AdapterContext, AdapterDefinition, FieldMap, Timeouts } from './spec/context.ts'
export type { CreateAttempt, CreatedLookup } from './spec/created-lookup.ts'
export type {
  CompanyFields,
  CompanyPort,
  ContactFields,
  ContactPort,
  Lookup,
  NativeCompany,
  NativeContact,
  NativeRecord,
  RecordCapabilities,
  RecordInput,
  RecordPatch,
  RecordPort,
} from './spec/records.ts'
export type { ReferencedIds, ReferencePort } from './spec/references.ts'
export type { AdapterError, ItemResult } from './spec/results.ts'
export type {
  CreatedTaskLookup,
  NativeTask,
  NativeTaskInput,
  NativeTaskPatch,
  OptionalTaskField,
  TaskCapabilities,
  TaskPort,
  TaskTypes,
} from './spec/tasks.ts'
export type {
  CredentialHeaders,
  Credentials,
  DailyBudget,
  ErrorMessagePicker,
  HttpMethod,
  NotFound,
  OAuthFactory,
  OAuthGrant,
  RateLimitConfig,
  RateLimitSignals,
  UpstreamClient,
  UpstreamClientFactory,
  UpstreamClientOptions,
  UpstreamRequest,
  UpstreamResponse,
} from './spec/upstream.ts'
export type { NativeUser, UserPort } from './spec/users.ts'
export type { WebhookChange, WebhookPort, WebhookTarget } from './spec/webhooks.ts'
