import { randomBytes } from 'node:crypto'
import { Type } from '@sinclair/typebox'

/**
 * The forms of native ids the built-in adapters use, as checks for `isNativeId` and as schemas
 * for ids in CRM answers. Canonical forms only: `007` and `7` must not both name one record.
 */

/** Decimal digits without a leading zero, below 10^18 (so below 2^63): HubSpot's record ids. */
export const DIGITS_ID = '^[1-9][0-9]{0,17}$'
const DIGITS = new RegExp(DIGITS_ID)
/** Whether `id` is in `DIGITS_ID`'s form. */
export const isDigitsId = (id: string): boolean => DIGITS.test(id)
/** `DIGITS_ID` as a TypeBox schema, for ids in a CRM's answers. */
export const DigitsId = Type.String({ pattern: DIGITS_ID })

/** A positive integer a JSON number holds exactly (at most 2^53 - 1): Pipedrive's ids. */
const SAFE_INTEGER = /^[1-9][0-9]{0,15}$/
/** Whether `id` is a positive integer a JSON number holds exactly, written canonically. */
export const isSafeIntegerId = (id: string): boolean => SAFE_INTEGER.test(id) && Number(id) <= Number.MAX_SAFE_INTEGER
/** A positive safe integer as a TypeBox schema, for ids a CRM's answers hold as numbers. */
export const SafeIntegerId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })

/** 128 random bits in base64url, 22 characters: ids that cannot be guessed or enumerated. */
const RANDOM = /^[A-Za-z0-9_-]{22}$/
/** Whether `id` has `randomId`'s form. */
export const isRandomId = (id: string): boolean => RANDOM.test(id)
/** A new id of 128 random bits (memory and sql adapters' records). */
export const randomId = (): string => randomBytes(16).toString('base64url')
