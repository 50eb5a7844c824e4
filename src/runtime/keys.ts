import { hash } from 'node:crypto'

/**
 * API keys, found in constant time whatever their number. The presented key is hashed (SHA-256)
 * and its digest looked up in a Map: the hash is the same work for every key, and the lookup
 * depends on the digest, which tells an attacker nothing about how close a guess came, so neither
 * a key's length nor its position among thousands shows in the timing. Several keys may be valid
 * at once (rotation); a key belongs to one owner.
 */
export class KeyRing<T> {
  private readonly owners = new Map<string, T>()

  constructor(keys: Iterable<[key: string, owner: T]>) {
    for (const [key, owner] of keys) if (!this.owners.has(digest(key))) this.owners.set(digest(key), owner)
  }

  get size(): number {
    return this.owners.size
  }

  find(presented: string | undefined): T | undefined {
    if (presented === undefined || presented.length === 0 || presented.length > 1024) return undefined
    return this.owners.get(digest(presented))
  }
}

function digest(key: string): string {
  return hash('sha256', key, 'base64')
}
