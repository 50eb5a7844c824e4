/**
 * The helpers adapters share, as values: the errors an adapter may throw, result builders, native
 * id forms, matching normalisers, html text, chunks, a bounded map, a shared lookup, the created
 * lookups' wiring, option schemas, and the SQL drivers and migrations an adapter over a database
 * uses. The seam's types are in `spec.ts`.
 */

export { fromTaskAdapterV1 } from '../adapter/from-v1.ts'
export { htmlToText, textToHtml } from '../adapter/html-text.ts'
export { LinkOptions, LinkTemplate, UserOptions, fillLink } from '../adapter/options.ts'
export { DIGITS_ID, DigitsId, SafeIntegerId, isDigitsId, isRandomId, isSafeIntegerId, randomId } from '../adapter/native-ids.ts'
export { done, failed, missing } from '../adapter/results.ts'
export { withCreatedLookup } from '../adapter/created-lookup.ts'
export { isCreatedFrom } from '../adapter/created-tasks.ts'
export {
  ConfigError,
  GatewayError,
  LookupCutShortError,
  RecordNotFoundError,
  UpstreamAuthError,
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
export { countHeader, header } from '../upstream/types.ts'
