import type { ChangeFeed } from './changes.ts'
import type { CallOptions } from './call-options.ts'
import type { CreatedLookup } from './created-lookup.ts'
import type { ItemResult } from './results.ts'

/**
 * Contacts and companies: records Enginy exports, syncs and updates. The core matches, dedupes,
 * maps ids and fields; the adapter stores, finds and links.
 */

/** The keys records are matched by (`src/service/matching.ts` normalizes them). */
export type Lookup = 'externalId' | 'email' | 'linkedinUrl' | 'domain' | 'name'

/** A contact's standard fields, in the gateway's names; other fields travel in `RecordInput.extra`. */
export interface ContactFields {
  /** Enginy's id of the record. An adapter that can keep it declares the `externalId` lookup. */
  externalId?: string
  email?: string
  firstName?: string
  lastName?: string
  phone?: string
  /** The company's name; the link to a company record is an association. */
  company?: string
  title?: string
  linkedinUrl?: string
  /** The CRM's native id of the owner. */
  ownerId?: string
}

/** A company's standard fields, in the gateway's names; other fields travel in `RecordInput.extra`. */
export interface CompanyFields {
  externalId?: string
  name?: string
  domain?: string
  industry?: string
  numberOfEmployees?: number
  linkedinUrl?: string
  ownerId?: string
}

/** A record's fields, and those Enginy sends beyond them (engagement fields and the like). */
export type RecordInput<F> = F & {
  /**
   * Every other field, keyed by the CRM's field name where the connection's `fieldMap` names one,
   * else by Enginy's (only for an adapter that `keepsExtraFields`). Read back, `extra` is keyed
   * the same way: the core turns the CRM's names back into Enginy's through the `fieldMap`.
   */
  extra?: Record<string, unknown>
}

/** A record as the CRM holds it: its fields, its native id and what the CRM says of its times. */
export type NativeRecord<F> = RecordInput<F> & {
  id: string
  /** When the CRM created it, epoch milliseconds, if known: of several matches, the oldest wins. */
  createdAt?: number
  /** When the CRM last changed it, on the CRM's clock (epoch ms), where its answer says: a
   * mirrored record (`changes`) is replaced only by a newer report of it. */
  modifiedAt?: number
}

/** An update of one record. */
export interface RecordPatch<F> {
  readonly id: string
  /** The fields to change; a field left out stays as it is. */
  readonly fields: RecordInput<Partial<F>>
}

/**
 * What a record port declares of its CRM.
 *
 * How `unsupportedFields` and the connection's `fieldMap` meet, for each field of a request:
 *
 * 1. a field in `unsupportedFields` is dropped, with a warning, whatever `fieldMap` says;
 * 2. a standard field (`ContactFields`, `CompanyFields`) reaches the adapter as itself: the core
 *    does not map it. An adapter that can keep a standard field only in a customer's own field
 *    (Pipedrive's LinkedIn URL) reads `AdapterContext.fieldMap` when it is made, and lists the
 *    field in `unsupportedFields` only when the map names no field for it;
 * 3. any other field goes into `extra` under the CRM's name when `fieldMap` names one, under
 *    Enginy's name when the adapter `keepsExtraFields`, and is dropped with a warning otherwise.
 */
export interface RecordCapabilities<F> {
  /** The most inputs one `doCreateMany` call may take. */
  readonly maxBatchCreate: number
  /** The most patches one `doUpdateMany` call may take. */
  readonly maxBatchUpdate: number
  /** The most keys one `doFind` call may take. */
  readonly maxBatchFind: number
  /** The keys `doFind` can look records up by; sync skips the others. */
  readonly lookups: readonly Lookup[]
  /** Standard fields the CRM cannot hold: the core drops them from writes, with a warning, even
   * where `fieldMap` names them. */
  readonly unsupportedFields?: readonly (keyof F & string)[]
  /** Whether fields without a `fieldMap` entry are kept (memory, sql) or dropped with a warning. */
  readonly keepsExtraFields: boolean
}

/** Contacts or companies: `F` is `ContactFields` or `CompanyFields`. */
export interface RecordPort<F> {
  readonly capabilities: RecordCapabilities<F>
  /** The form of this CRM's record ids; as for tasks, any other id is "not found". */
  isNativeId(id: string): boolean
  /**
   * Creates each input, and answers one result per input in the same order. The core has already
   * looked for records with the same e-mail (contacts) or domain (companies); where the CRM itself
   * refuses a duplicate, answer the existing record with `done` (`{ ok: record }`) rather than a
   * failure.
   */
  doCreateMany(inputs: readonly RecordInput<F>[], options: CallOptions): Promise<ItemResult<NativeRecord<F>>[]>
  /** Changes each record, one result per patch in the same order: `missing` for an unknown id. */
  doUpdateMany(patches: readonly RecordPatch<F>[], options: CallOptions): Promise<ItemResult<NativeRecord<F>>[]>
  /**
   * The records whose `by` value, normalized as `src/service/matching.ts` does, is one of `keys`
   * (which are normalized already). More is harmless: the core checks every match again.
   */
  doFind(by: Lookup, keys: readonly string[], options: CallOptions): Promise<NativeRecord<F>[]>
  /**
   * The record's page in the CRM's own UI, built from what the adapter already holds: its
   * connection's options, or what `doLearnLinks` learned. Synchronous, so that a link request can
   * make no CRM call: a browser opens links without a key, and nothing it sends may cost a tenant
   * a call. `undefined` while the adapter cannot tell (not learned yet): the link answers 404.
   */
  linkTo?(id: string): string | undefined
  /**
   * The records changed since a moment, where the CRM can list them so: with it, a connection
   * with `mirror:` matches exports and syncs against its mirror instead of searching the CRM
   * (`ChangeFeed`). Each record as `doFind` answers it (every field a sync returns), with its
   * `modifiedAt`.
   */
  readonly changes?: ChangeFeed<NativeRecord<F>>
  /**
   * Finds the record of an export whose create ended in doubt (a timeout, a dropped connection, a
   * 5xx after sending), where `doFind` may not show a record just made (a search index that lags
   * behind writes). Declare it and the core records each create before sending it; an export of
   * the same record while the first is in doubt answers the record this finds, or is refused with
   * `RECORD_IN_DOUBT` and `Retry-After` until `settleMs` has passed, then sent again. Without it,
   * the core trusts `doFind` to show every record the moment its create has been applied.
   */
  readonly createdLookup?: CreatedLookup<RecordInput<F>, NativeRecord<F>>
}

/** The port of contacts. */
export type ContactPort = RecordPort<ContactFields>
/** The port of companies. */
export type CompanyPort = RecordPort<CompanyFields>
/** A contact as the CRM holds it. */
export type NativeContact = NativeRecord<ContactFields>
/** A company as the CRM holds it. */
export type NativeCompany = NativeRecord<CompanyFields>
