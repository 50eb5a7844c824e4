import { isIPv4 } from 'node:net'
import { AuthThrottledError, type GatewayError } from '../errors.ts'
import { BoundedMap } from '../tools/bounded-map.ts'

/** `auth.failures`: how many failed authentications one address may make at once, and then a minute. */
export interface FailureBudget {
  readonly burst: number
  readonly perMinute: number
}

export interface AuthCounts {
  readonly failed: { inc(): void }
  readonly throttled: { inc(): void }
}

/** Addresses remembered at most: some 15 MB. Past it the one that failed longest ago is forgotten,
 * and gets its burst again; an attacker needs this many addresses to cycle through. */
const MAX_ADDRESSES = 100_000

interface Bucket {
  /** The address's failures as of `at`, draining at `perMinute`: failures, not tries left, so a
   * reload that changes the budget holds them to the new one. */
  readonly spent: number
  readonly at: number
}

/**
 * Failed authentications, limited per client address with a token bucket: `burst` failures at
 * once, then `perMinute`. An address that has spent them is answered 429 with `Retry-After`
 * before its key is looked at, so guessing stops being informative; a valid key from another
 * address is never slowed: the check is one map lookup, shared by no lock, with no wait. Only
 * failures spend the bucket, and it refills while the address is quiet. IPv6 addresses are
 * counted by their /64, what one host is usually given, or it would take a new address per guess.
 */
export class AuthFailures {
  private readonly buckets: BoundedMap<string, Bucket>

  constructor(
    private readonly counts: AuthCounts,
    private readonly now: () => number = () => performance.now(),
    max = MAX_ADDRESSES,
  ) {
    this.buckets = new BoundedMap({ max })
  }

  /**
   * Whom `find` says the request's credentials belong to; `refused()` when nobody, which spends
   * one of the address's failures; an `AuthThrottledError`, without calling `find`, when the
   * address has none left.
   */
  admit<T>(address: string, budget: FailureBudget, find: () => T | undefined, refused: () => GatewayError): T | GatewayError {
    const group = addressGroup(address)
    const now = this.now()
    const bucket = this.buckets.get(group)
    const spent = bucket ? Math.max(0, bucket.spent - ((now - bucket.at) * budget.perMinute) / 60_000) : 0
    const over = spent - (budget.burst - 1)
    if (over > 0) {
      this.counts.throttled.inc()
      // To the millisecond first: 0.6 of a failure at 6 a minute is 6 s, not 6.000000000000001.
      const waitMs = Math.round((over * 60_000) / budget.perMinute)
      return new AuthThrottledError(Math.max(1, Math.ceil(waitMs / 1000)))
    }
    const owner = find()
    if (owner !== undefined) return owner
    this.counts.failed.inc()
    this.buckets.set(group, { spent: spent + 1, at: now })
    return refused()
  }

  /** Addresses remembered now. */
  get size(): number {
    return this.buckets.size
  }
}

/**
 * What failures are counted by: an IPv4 address as it is (an IPv4 address Node shows as IPv6,
 * `::ffff:10.0.0.7`, included), an IPv6 address by its first 64 bits (`2001:db8:0:1::/64`).
 */
export function addressGroup(address: string): string {
  if (isIPv4(address)) return address
  const groups = ipv6Groups(address.split('%')[0]!)
  if (!groups) return address
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.')
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part read as two), or `undefined`. */
function ipv6Groups(address: string): number[] | undefined {
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const words = (half: string | undefined) => (half ? half.split(':') : [])
  const head = words(halves[0])
  const tail = words(halves[1])
  const last = (tail.length > 0 ? tail : head).at(-1)
  if (last?.includes('.')) {
    if (!isIPv4(last)) return undefined
    const bytes = last.split('.').map(Number)
    ;(tail.length > 0 ? tail : head).splice(-1, 1, ((bytes[0]! << 8) | bytes[1]!).toString(16), ((bytes[2]! << 8) | bytes[3]!).toString(16))
  }
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail]
  if (!all.every((word) => /^[0-9a-fA-F]{1,4}$/.test(word))) return undefined
  return all.map((word) => Number.parseInt(word, 16))
}
