import { UpstreamRejectedError, isSafeIntegerId } from '../../src/kit/utils.ts'

/** What each reference must name, for the message of a refusal. */
export const WHAT = {
  ownerId: 'a Pipedrive user id',
  contactId: 'a Pipedrive person id',
  companyId: 'a Pipedrive organization id',
} as const

/**
 * A reference as the integer Pipedrive takes (v2 does not read "42" as 42). Another value is the
 * caller's mistake, a 422 naming the field, before anything is sent.
 */
export function integerId(field: keyof typeof WHAT, value: string): number {
  if (!isSafeIntegerId(value)) throw new UpstreamRejectedError(`${field} must be ${WHAT[field]} (a positive integer), got "${value.slice(0, 64)}"`)
  return Number(value)
}
