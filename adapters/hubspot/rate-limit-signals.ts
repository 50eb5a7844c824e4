import type { RateLimitSignals, UpstreamResponse } from '../../src/kit/spec.ts'
import { countHeader, header } from '../../src/kit/utils.ts'

/**
 * HubSpot's limits: `X-HubSpot-RateLimit-Remaining` in the current window (its length in
 * `-Interval-Milliseconds`, its size in `-Max`) and `-Daily-Remaining`. A 429 names its `policyName`: `DAILY` is spent
 * until the portal's midnight, which HubSpot does not send: UTC midnight is only a guess, and the
 * core's `pauseCap.dailyMs` cuts the pause short and probes. The other policies are short; HubSpot
 * rarely sends `Retry-After`, so a rolling-window 429 waits 2 s.
 */
export const hubspotRateLimits: RateLimitSignals = {
  budget(response) {
    if (header(response, 'x-hubspot-ratelimit-daily-remaining') === '0') {
      return { remaining: 0, resetMs: untilUtcMidnight(), daily: true }
    }
    const remaining = header(response, 'x-hubspot-ratelimit-remaining')
    if (remaining === undefined || !/^\d+$/.test(remaining)) return undefined
    // A rolling window that is full frees its next slot when its oldest call leaves it: at a
    // steady rate, one interval/max from now. HubSpot does not send the exact time.
    const interval = Number(header(response, 'x-hubspot-ratelimit-interval-milliseconds') ?? 10_000)
    const max = Math.max(1, Number(header(response, 'x-hubspot-ratelimit-max') ?? 100))
    return { remaining: Number(remaining), resetMs: Math.ceil(interval / max) }
  },
  retryAfter(response) {
    if (response.status !== 429) return undefined
    const policy = policyName(response)
    if (policy === 'DAILY') return { ms: untilUtcMidnight(), daily: true }
    const seconds = header(response, 'retry-after')
    if (seconds && /^\d+$/.test(seconds)) return { ms: Number(seconds) * 1000 }
    return { ms: policy === 'SECONDLY' ? 1000 : 2000 }
  },
  daily(response) {
    const remaining = countHeader(response, 'x-hubspot-ratelimit-daily-remaining')
    return remaining === undefined ? undefined : { remaining, limit: countHeader(response, 'x-hubspot-ratelimit-daily') }
  },
}

function policyName(response: UpstreamResponse): string | undefined {
  try {
    return (JSON.parse(response.text) as { policyName?: string }).policyName
  } catch {
    return undefined
  }
}

function untilUtcMidnight(now = Date.now()): number {
  const midnight = new Date(now)
  midnight.setUTCHours(24, 0, 0, 0)
  return midnight.getTime() - now
}
