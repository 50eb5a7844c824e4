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
/** The error every error an adapter throws or reports derives from: a stable code and an HTTP status. */
export { GatewayError } from '../errors.ts'
/** A connection option the adapter cannot work with: thrown by a factory, it stops the config from loading. */
export { ConfigError } from '../errors.ts'
/** A record the request names does not exist (404 `RECORD_NOT_FOUND`). */
export { RecordNotFoundError } from '../errors.ts'
/** The CRM refused the data (its 400, 409 or 422): a 422 `UPSTREAM_REJECTED` with the CRM's reason. */
export { UpstreamRejectedError } from '../errors.ts'
/** The CRM is rate-limiting or its daily cap is spent: a 503 `UPSTREAM_RATE_LIMITED` with `Retry-After`. */
export { UpstreamRateLimitedError } from '../errors.ts'
/** A lookup the rate limit cut short: the records it found and the keys it could not ask, so the
 * core answers what it settled. */
export { LookupCutShortError } from '../errors.ts'
/** The CRM failed or cannot be reached: a 502 `UPSTREAM_UNAVAILABLE`. */
export { UpstreamUnavailableError } from '../errors.ts'
/** The CRM refused the gateway's own credentials, where its answer says so without a 401 (Attio's
 * `GET /v2/self` answers a revoked token `{active: false}`): a 502 `UPSTREAM_AUTH`. */
export { UpstreamAuthError } from '../errors.ts'
/** The CRM answered something the adapter cannot read (a body that fails its schema, an id of the
 * wrong form): a 502 `UPSTREAM_BAD_RESPONSE`. */
export { UpstreamBadResponseError } from '../errors.ts'
/** The CRM did not answer before the deadline: a 504 `UPSTREAM_TIMEOUT`. */
export { UpstreamTimeoutError } from '../errors.ts'
export { chunks } from '../tools/chunks.ts'
export { type PoolLimits, type Query, type Row, type SqlDriver, postgresDriver, sqliteDriver } from '../storage/sql-driver.ts'
export { type MigrationStep, runMigrations } from '../storage/migrate.ts'
export { parseObject } from '../storage/json-object.ts'
export { BoundedMap } from '../tools/bounded-map.ts'
export { SharedLookup } from '../tools/shared-lookup.ts'
export { normalize } from '../service/matching.ts'
/** Whether a `fieldMap` name is one of the standard fields the core hands over as such, never as an extra field. */
export { isStandardField } from '../service/standard-fields.ts'
/** The CRM keys `fieldMap` gives Enginy's extra fields of a kind, each once. */
export { extraFieldKeys } from '../service/standard-fields.ts'
export { countHeader, header } from '../upstream/types.ts'
