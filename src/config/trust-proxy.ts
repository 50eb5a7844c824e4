import { isIP } from 'node:net'
import type { Problems } from './problems.ts'

/**
 * `trustProxy`: the proxies whose `X-Forwarded-For` names the client, as Fastify's `request.ip`
 * reads it: the nearest address not among them is the client. Failed authentications are counted
 * by that address, so behind a load balancer without it every client is the balancer, and one
 * client guessing keys would throttle them all. Addresses and ranges only: trusting every hop
 * (Fastify's `true`) lets a client write the address it is counted by, a new one for every guess
 * or someone else's, and Fastify trusts no hop given a hop count, since it cannot tell the nearest
 * peer is a proxy.
 */
export function checkTrustProxy(trustProxy: readonly string[], problems: Problems): void {
  for (const [i, entry] of trustProxy.entries()) {
    if (!isAddressOrRange(entry)) problems.add(`trustProxy[${i}]`, `"${entry}" is not an IP address or a CIDR range (10.0.0.0/8, fd00::/8)`)
  }
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  if (bits === undefined) return true
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
}
