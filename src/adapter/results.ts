import type { GatewayError } from '../errors.ts'
import type { ItemResult } from '../kit/spec.ts'

/** The item was done, and gave `value`. */
export const done = <T>(value: T): ItemResult<T> => ({ ok: value })
/** The CRM says the item's record does not exist. */
export const missing: ItemResult<never> = { missing: true }
/** The item failed with `error`; the others of its batch go on. */
export const failed = (error: GatewayError): ItemResult<never> => ({ failed: error })
