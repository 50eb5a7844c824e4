/**
 * Everything an adapter may use of the gateway, from one module: the seam's interfaces, the
 * errors an adapter may throw, the upstream client, and the helpers adapters share. Adapters import
 * from here and from nothing else in `src/` (a test checks it), so the core can move behind it.
 */

export type { ActivityKind, ActivityPort, CreatedActivityLookup, NativeActivity, NativeActivityInput } from '../adapter/activities.ts'
export type { AssociationPair, AssociationPort } from '../adapter/associations.ts'
export type { Change, ChangeFeed, ChangePage } from '../adapter/changes.ts'
export type { WebhookChange, WebhookPort, WebhookTarget } from '../adapter/webhooks.ts'
export type { AdapterContext, AdapterDefinition, AdapterWarning, CallOptions, FieldMap, Timeouts } from '../adapter/common.ts'
export { fromTaskAdapterV1 } from '../adapter/from-v1.ts'
export { htmlToText, textToHtml } from '../adapter/html-text.ts'
export { LinkOptions, LinkTemplate, UserOptions, fillLink } from '../adapter/options.ts'
export { DIGITS_ID, DigitsId, SafeIntegerId, isDigitsId, isRandomId, isSafeIntegerId, randomId } from '../adapter/native-ids.ts'
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
export { type ItemResult, done, failed, missing } from '../adapter/results.ts'
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
export { type CreateAttempt, type CreatedLookup, withCreatedLookup } from '../adapter/created-lookup.ts'
export { type CreatedTaskLookup, isCreatedFrom } from '../adapter/created-tasks.ts'
export type { WriteLog } from '../adapter/write-log.ts'
export {
  ConfigError,
  GatewayError,
  LookupCutShortError,
  RecordNotFoundError,
  UpstreamBadResponseError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../errors.ts'
export { chunks } from '../service/chunks.ts'
export { type PoolLimits, type Query, type Row, type SqlDriver, postgresDriver, sqliteDriver } from '../storage/sql-driver.ts'
export { type MigrationStep, runMigrations } from '../storage/migrate.ts'
export { parseObject } from '../storage/json-object.ts'
export { BoundedMap } from '../service/bounded-map.ts'
export { SharedLookup } from '../service/shared-lookup.ts'
export { normalize } from '../service/matching.ts'
export type { NotFound, UpstreamClient, UpstreamClientOptions } from '../upstream/client.ts'
export type { CredentialHeaders, Credentials } from '../upstream/credentials.ts'
export type { OAuthGrant } from '../credentials/oauth.ts'
export type { ErrorMessagePicker } from '../upstream/status.ts'
export { type RateLimitSignals, type UpstreamRequest, type UpstreamResponse, countHeader, header } from '../upstream/types.ts'
