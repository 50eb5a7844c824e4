import type { Entry } from './entry.ts'

/**
 * Where the entries of `Idempotency-Key`s live: this process (`LocalKeys`) or Redis (`RedisKeys`).
 * Each tenant has its own share, bounded in bytes: a new entry makes room by dropping the
 * tenant's own oldest done entries, never another tenant's, and never an entry whose create has
 * not finished (dropping one could let its retry make a second task). Entries expire `KEEP_MS`
 * after they were last written. Every change names the attempt it expects to hold the key.
 */
export interface KeyStore {
  /** The key's entry, or, when it has none, `entry` kept as its entry (`'claimed'`); `'full'` when
   * the tenant's share cannot hold it even once its done entries are dropped. */
  claim(tenant: string, key: string, entry: Entry): Promise<Entry | 'claimed' | 'full'>
  /** `next` in place of the entry of `attempt`; false when the key is no longer that attempt's. */
  replace(tenant: string, key: string, attempt: string, next: Entry): Promise<boolean>
  /** Forgets the key, when it is still `attempt`'s: its create surely made nothing. */
  release(tenant: string, key: string, attempt: string): Promise<void>
  /** The bytes the tenant's entries are charged (`charge`). */
  bytes(tenant: string): Promise<number>
}
