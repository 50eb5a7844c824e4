/**
 * Gateway ids, of every record the gateway hands out (tasks, contacts, companies, activities,
 * users): `<connection>.<native id>` when the CRM's id is already made of safe characters
 * (HubSpot's digits, the memory adapter's random ids), else `<connection>~<base64url of the native
 * id>`. Both use only RFC 3986 unreserved characters, so an id needs no escaping in a path, and
 * both say which connection holds the record, so ids stay valid when another connection becomes
 * the active one.
 */

export const MAX_ID_LENGTH = 128
export const CONNECTION_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/

const PLAIN_NATIVE = /^[A-Za-z0-9_-]+$/
const BASE64URL = /^[A-Za-z0-9_-]+$/

export interface DecodedId {
  connection: string
  nativeId: string
}

/** The gateway id for a native id, or `undefined` when it would not fit in 128 characters. */
export function encodeId(connection: string, nativeId: string): string | undefined {
  const id = PLAIN_NATIVE.test(nativeId)
    ? `${connection}.${nativeId}`
    : `${connection}~${Buffer.from(nativeId, 'utf8').toString('base64url')}`
  return id.length <= MAX_ID_LENGTH ? id : undefined
}

/** The connection and native id an id names, or `undefined` for anything malformed. */
export function decodeId(id: string): DecodedId | undefined {
  if (id.length > MAX_ID_LENGTH) return undefined
  const at = id.search(/[.~]/)
  if (at <= 0) return undefined
  const connection = id.slice(0, at)
  const rest = id.slice(at + 1)
  if (!CONNECTION_NAME.test(connection) || rest.length === 0) return undefined
  if (id[at] === '.') return PLAIN_NATIVE.test(rest) ? { connection, nativeId: rest } : undefined
  if (!BASE64URL.test(rest)) return undefined
  const nativeId = Buffer.from(rest, 'base64url').toString('utf8')
  // Only the canonical encoding is accepted, so one task has exactly one id.
  if (nativeId.length === 0 || Buffer.from(nativeId, 'utf8').toString('base64url') !== rest) return undefined
  if (PLAIN_NATIVE.test(nativeId)) return undefined
  return { connection, nativeId }
}
