import type { Account, CustomFieldKind, User } from './account.ts'
import { MISSING_OBJECT, type Validator } from './errors.ts'
import type { EventLog } from './events.ts'
import type { Step } from './http.ts'

/** What the stores share: the checks, the organization, the event log, the search lag. */
export interface StoreContext {
  readonly v: Validator
  readonly account: Account
  readonly events: EventLog
  /** How long a new record stays out of search results. */
  searchLagMs(): number
  /** The `_skip` cap of offset lists. */
  maxSkip(): number
}

/** Who makes a write: the API key's user, and the request (events carry its id). */
export interface Actor {
  readonly user: User
  readonly requestId: string
}

/** A field a store keeps per record: custom field values by field id. */
export type CustomValues = Record<string, unknown>

/**
 * Checks custom field values against the organization's definitions: an id it lacks, or a value
 * of the wrong type, is Close's 400. Not a violation: the field ids come from the connection's
 * configuration, which `connections test` checks, not from the gateway's code.
 */
export function checkCustom(ctx: StoreContext, kind: CustomFieldKind, custom: CustomValues, operation: string): Step | undefined {
  for (const [id, value] of Object.entries(custom)) {
    const field = ctx.account.customField(kind, id)
    if (!field) return ctx.v.refuse(operation, { [`custom.${id}`]: MISSING_OBJECT }, true)
    const ok = value === null || (field.type === 'number' ? typeof value === 'number' : typeof value === 'string')
    if (!ok) return ctx.v.refuse(operation, { [`custom.${id}`]: `takes a ${field.type} value` }, true)
  }
  return undefined
}

/** Custom values as answers show them: `custom.FIELD_ID` keys, only those with a value (leads). */
export function showCustom(custom: CustomValues): Record<string, unknown> {
  return Object.fromEntries(Object.entries(custom).filter(([, value]) => value !== null).map(([id, value]) => [`custom.${id}`, value]))
}

/** The fields an answer changed, with their values before: an event's `previous_data`. */
export function changes(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const moved = Object.keys(after).filter((key) => key !== 'date_updated' && JSON.stringify(before[key]) !== JSON.stringify(after[key]))
  return Object.fromEntries(moved.map((key) => [key, before[key]]))
}
