import type { TokenSet } from './token-set.ts'

/**
 * How long a refresh may hold a store's lock: twice the longest the token endpoint can take
 * (connect, then headers, then body, 10 s each), so a lock never lapses while its holder is still
 * spending the refresh token.
 */
export const LOCK_MS = 60_000

/** The store cannot be reached now (Redis is down, the file cannot be read): the caller goes on
 * with the tokens it holds. Internal to `src/credentials/`: it never reaches a client. */
export class StoreUnreachable extends Error {}

/** A store's lock: one process at a time spends a refresh token, the others read what it kept. */
export interface TokenLock {
  /** Keeps `set`, if the lock is still held and nothing newer is kept; false otherwise. */
  write(set: TokenSet): Promise<boolean>
  release(): Promise<void>
}

/**
 * Where the tokens of a grant are kept for every replica and the next start: Redis
 * (`shared-tokens.ts`) or a file (`token-file.ts`). Every method throws
 * `StoreUnreachable` when the store cannot be reached.
 */
export interface TokenStore {
  /** For log lines: `Redis`, or the file's path. */
  readonly where: string
  /** The newest set kept for the grant, if any. */
  read(): Promise<TokenSet | undefined>
  /** The lock, or `undefined` while another process holds it. */
  lock(): Promise<TokenLock | undefined>
  /** Keeps a set refreshed while the store was unreachable, unless a newer one is kept: true
   * when the store now holds it or a newer one. */
  offer(set: TokenSet): Promise<boolean>
}
