/**
 * The adapter specification: the seam between the gateway's core and an adapter, types only, and
 * the version they belong to. An adapter's code takes its types from here and its helpers from
 * `utils.ts`; its tests and fake CRM take the test kit, `testing.ts`. Nothing else of `src/` is
 * an adapter's to import (a test checks it), so the core can move behind these three modules.
 *
 * Widening this module is a decision: `test/kit/kit-exports.test.ts` lists every export.
 */

/** The version of the seam these types describe; `AdapterV2.specificationVersion` holds it. */
export const ADAPTER_SPEC_VERSION = 'v2'

export type { ActivityKind, ActivityPort, CreatedActivityLookup, NativeActivity, NativeActivityInput } from '../adapter/activities.ts'
export type { AssociationPair, AssociationPort } from '../adapter/associations.ts'
export type { Change, ChangeFeed, ChangePage } from '../adapter/changes.ts'
export type { WebhookChange, WebhookPort, WebhookTarget } from '../adapter/webhooks.ts'
export type { AdapterContext, AdapterDefinition, AdapterWarning, CallOptions, FieldMap, Timeouts } from '../adapter/common.ts'
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
} from '../adapter/records.ts'
export type { ItemResult } from '../adapter/results.ts'
export type {
  NativeTask,
  NativeTaskInput,
  NativeTaskPatch,
  OptionalTaskField,
  TaskCapabilities,
  TaskPort,
  TaskTypes,
} from '../adapter/tasks.ts'
export type { ReferencePort, ReferencedIds } from '../adapter/references.ts'
export type { NativeUser, UserPort } from '../adapter/users.ts'
export type { TaskAdapterV1 } from '../adapter/v1.ts'
export type { AdapterV2, Kind } from '../adapter/v2.ts'
export type { CreateAttempt, CreatedLookup } from '../adapter/created-lookup.ts'
export type { CreatedTaskLookup } from '../adapter/created-tasks.ts'
export type { WriteLog } from '../adapter/write-log.ts'
export type { NotFound, UpstreamClient, UpstreamClientOptions } from '../upstream/client.ts'
export type { CredentialHeaders, Credentials } from '../upstream/credentials.ts'
export type { OAuthGrant } from '../credentials/oauth.ts'
export type { ErrorMessagePicker } from '../upstream/status.ts'
export type { RateLimitSignals, UpstreamRequest, UpstreamResponse } from '../upstream/types.ts'
