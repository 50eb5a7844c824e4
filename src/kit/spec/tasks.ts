import type { ChangeFeed } from './changes.ts'
import type { CallOptions } from './call-options.ts'
import type { CreatedLookup } from './created-lookup.ts'

/**
 * A task as the CRM holds it, in the gateway's field names. `type` is the CRM's own type
 * (the core maps it through the connection's `typeMap`); `dueDate` and `completedAt` are epoch
 * milliseconds. `id` is the CRM's native id; `ownerId`, `contactId` and `companyId` are the CRM's
 * native ids of those records (the core decodes Enginy's ids into them and encodes them back).
 */
export interface NativeTask {
  id: string
  subject: string
  description?: string
  type?: string
  ownerId?: string
  contactId?: string
  companyId?: string
  dueDate?: number
  completed: boolean
  completedAt: number | null
  /** When the CRM last changed it, on the CRM's clock (epoch ms), where its answer says: a
   * mirrored task (`changes`) is replaced only by a newer report of it. */
  modifiedAt?: number
}

/** What a create writes: a task without what the CRM decides (its id, completion, times). */
export type NativeTaskInput = Omit<NativeTask, 'id' | 'completed' | 'completedAt' | 'modifiedAt'>

/** What an update changes: the fields given, and the completion. */
export type NativeTaskPatch = Partial<NativeTaskInput> & { completed?: boolean }

/** The task fields a CRM may not have: declared, they are dropped with a warning. */
export type OptionalTaskField = 'description' | 'type' | 'ownerId' | 'contactId' | 'companyId' | 'dueDate'

/** What a task port declares of its CRM. */
export interface TaskCapabilities {
  /** The most ids one `doGetMany` call may take: the CRM's native batch read size, or 1. Where
   * a read takes several calls of different limits (HubSpot: tasks 100 at a time, associations
   * 1,000), the largest: the adapter splits the smaller ones, and saves calls on the others. */
  readonly maxBatchRead: number
  /** The most ids one `doCompleteMany` call may take: the CRM's native batch update size, or 1
   * (or, as for reads, the largest size a completion's calls allow). */
  readonly maxBatchUpdate: number
  /** Fields the CRM cannot hold. The core drops them from writes, with a warning. */
  readonly unsupportedFields?: readonly OptionalTaskField[]
  /**
   * Fields the CRM keeps as they were created (Attio's task content; Close's lead, hence its
   * contact and company): an edit that changes one is refused by the adapter with a 422 naming it,
   * before anything is written; an edit that sends the value the task holds is served.
   */
  readonly fixedFields?: readonly ('subject' | 'description' | 'contactId' | 'companyId')[]
}

/**
 * How the gateway finds the task of a keyed create whose answer was lost, so that a retry with the
 * same `Idempotency-Key` answers that task instead of making a second one (`CreatedLookup`):
 * `isCreatedFrom` in `src/kit/utils.ts` compares the tasks it finds with what the create wrote.
 */
export type CreatedTaskLookup = CreatedLookup<NativeTaskInput, NativeTask>

/**
 * A CRM's built-in task types. The connection's `typeMap` and `defaultType` come first; this is
 * what an unconfigured connection does, so that Enginy's own types (`call`, `email`, `todo`…) land
 * as the CRM's instead of being refused.
 */
export interface TaskTypes {
  /** The CRM's type for an Enginy type, if the CRM has one for it. */
  toCrm(type: string): string | undefined
  /** The Enginy type for one of the CRM's types: the reverse of `toCrm`. */
  fromCrm(type: string): string
  /** What an Enginy type the CRM has no type for is stored as, with a warning. */
  readonly fallback: string
}

/**
 * Tasks. A batch of tasks is all or nothing, as the contract says: a missing task is left out,
 * and any other failure throws and fails the batch (Enginy retries it; completion is idempotent).
 */
export interface TaskPort {
  readonly capabilities: TaskCapabilities

  /**
   * Whether `id` has the form of this CRM's task ids (HubSpot: digits; Pipedrive: a positive
   * integer below 2^53). The core asks before it hands a caller's id to any other method: an id
   * of another form is "not found" (a 404, or left out of a batch) and never reaches the CRM.
   * Write it as strictly as the CRM allows, canonical form only (no leading zeros), so that one
   * task answers to exactly one id. Ids the CRM sends back must pass it too.
   */
  isNativeId(id: string): boolean

  /**
   * The CRM's own task types, where it has a fixed set: Enginy's types are mapped onto them when
   * the connection's `typeMap` says nothing (see `TaskTypes`). Without it, types pass as given.
   */
  readonly taskTypes?: TaskTypes

  /** Creates one task. Called once per create: never retry a create yourself. */
  doCreate(input: NativeTaskInput, options: CallOptions): Promise<NativeTask>

  /**
   * Finds the task of a create whose answer was lost, where the CRM can search or list its tasks
   * (see `CreatedTaskLookup`). A create with an `Idempotency-Key` that ended in doubt is never sent
   * again blindly: with this, its retry answers the task it made, or sends the create again once
   * the lookup proves it made none; without it, the retry is answered 409
   * `IDEMPOTENCY_KEY_IN_DOUBT` for as long as the key is kept.
   */
  readonly createdLookup?: CreatedTaskLookup

  /**
   * Reads up to `maxBatchRead` tasks. Returns the ones that exist, in any order; an id the CRM
   * reports as missing (or deleted) is simply absent. Never throw for a missing id.
   */
  doGetMany(ids: readonly string[], options: CallOptions): Promise<NativeTask[]>

  /**
   * Changes the given fields of one task and returns it as it now is, or `null` when the task
   * does not exist. `completed: true` on a task that is already completed must keep its first
   * `completedAt`, and so must an edit of a completed task's other fields.
   */
  doUpdate(id: string, patch: NativeTaskPatch, options: CallOptions): Promise<NativeTask | null>

  /**
   * Completes (or reopens, with `completed: false`) up to `maxBatchUpdate` tasks and returns the
   * ones that exist as they now are. Idempotent: completing a completed task keeps its first
   * `completedAt`; missing ids are absent from the result.
   */
  doCompleteMany(ids: readonly string[], completed: boolean, options: CallOptions): Promise<NativeTask[]>

  /**
   * The tasks changed since a moment, where the CRM can list them so: with it, a connection with
   * `mirror:` answers task reads from its mirror (`ChangeFeed`). Each task whole, as `doGetMany`
   * answers it, with its `modifiedAt`.
   */
  readonly changes?: ChangeFeed<NativeTask>
}
