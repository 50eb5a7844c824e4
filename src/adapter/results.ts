import type { GatewayError } from '../errors.ts'

/**
 * One item of a batch answer: done (with what it gave), missing (the CRM says the record does not
 * exist), or failed with a typed error. One bad record no longer fails the whole batch: the core
 * reports each item, and answers a 5xx only when nothing could be done.
 */
export type ItemResult<T> = { readonly ok: T } | { readonly missing: true } | { readonly failed: GatewayError }

export const done = <T>(value: T): ItemResult<T> => ({ ok: value })
export const missing: ItemResult<never> = { missing: true }
export const failed = (error: GatewayError): ItemResult<never> => ({ failed: error })
