import { createHash } from 'node:crypto'
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

const Epoch = Type.Union([Type.Number(), Type.Null()])

/**
 * The tokens of one OAuth grant at one point of its chain of refreshes, as this process uses them
 * and as they are kept for the other replicas (Redis, or the token file).
 */
export const TokenSet = Type.Object({
  /** The grant it belongs to (`chainOf`): what was kept for another refresh token is not read. */
  chain: Type.String({ minLength: 1 }),
  /** Empty before the first refresh when no access token was configured. */
  accessToken: Type.String(),
  refreshToken: Type.String({ minLength: 1 }),
  /** Epoch milliseconds when the access token stops working; `null` when the CRM did not say. */
  expiresAt: Epoch,
  /** Epoch milliseconds from which it is renewed, ahead of its expiry. */
  renewAt: Epoch,
  /** Refreshes since the configured refresh token: of two sets of a chain, the newer has the higher. */
  generation: Type.Integer({ minimum: 0 }),
})
export type TokenSet = Static<typeof TokenSet>

/**
 * Names a grant by what the operator configured. A new refresh token in config (the app was
 * authorized again) starts a new chain, so tokens kept for the old one are not used; replicas with
 * the same config find the same chain.
 */
export function chainOf(tokenUrl: string, clientId: string, refreshToken: string): string {
  return createHash('sha256').update(`${tokenUrl}\u0000${clientId}\u0000${refreshToken}`).digest('base64url').slice(0, 22)
}

/** Renewed this far ahead of its expiry: a fifth of the token's life, at most five minutes. */
const AHEAD_MS = 5 * 60_000

/** When a token obtained at `obtainedAt`, living `expiresInS` seconds, expires and is renewed. */
export function lifeOf(obtainedAt: number, expiresInS: number | undefined): Pick<TokenSet, 'expiresAt' | 'renewAt'> {
  if (expiresInS === undefined) return { expiresAt: null, renewAt: null }
  const life = expiresInS * 1000
  return { expiresAt: obtainedAt + life, renewAt: obtainedAt + life - Math.min(life / 5, AHEAD_MS) }
}

/** A kept set, or `undefined` for text that is not one (a file cut short, another program's key). */
export function parseTokenSet(text: string | null | undefined): TokenSet | undefined {
  if (!text) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return Value.Check(TokenSet, value) ? value : undefined
}
