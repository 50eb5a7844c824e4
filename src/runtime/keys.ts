import { hash, timingSafeEqual } from 'node:crypto'

/**
 * API keys, compared in constant time. Keys are stored as SHA-256 digests so every comparison
 * is between equal-length buffers, and every stored key is compared on every call, so neither
 * the length nor the position of a match shows in the timing. Several keys may be valid at once.
 */
export class KeyRing<T> {
  private readonly entries: { digest: Buffer; owner: T }[]

  constructor(keys: Iterable<[key: string, owner: T]>) {
    this.entries = [...keys].map(([key, owner]) => ({ digest: digest(key), owner }))
  }

  get size(): number {
    return this.entries.length
  }

  find(presented: string | undefined): T | undefined {
    if (presented === undefined || presented.length === 0 || presented.length > 1024) return undefined
    const candidate = digest(presented)
    let match: T | undefined
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate) && match === undefined) match = entry.owner
    }
    return match
  }
}

function digest(key: string): Buffer {
  return hash('sha256', key, 'buffer') as unknown as Buffer
}
