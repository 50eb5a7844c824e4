import type { PauseCapConfig } from '../config/schema.ts'
import { header } from './types.ts'
import type { RateLimitSignals, UpstreamResponse } from '../kit/spec.ts'

/**
 * What a CRM asks the gateway to wait, read once and bounded here for every layer that acts on
 * it (the retry backoff, the limiter's pause, the `Retry-After` sent to Enginy). A CRM's header is
 * its own say: a `Retry-After: 86400` must not take a connection down for a day on every replica.
 * A window limit pauses at most `windowMs`; a daily cap, which only the CRM's own daily signal
 * declares, pauses `dailyMs` at most and then one call probes whether it has reset (HubSpot resets
 * at the portal's midnight, which no answer tells).
 */
export interface Wait {
  readonly ms: number
  readonly daily: boolean
}

export interface Budget {
  readonly remaining: number
  readonly resetMs: number
  readonly daily: boolean
}

export interface Waits {
  /** How long an answer (a 429, or a 5xx with `Retry-After`) asks to wait, capped. */
  asked(response: UpstreamResponse): Wait | undefined
  /** What is left of the CRM's budget and when it resets, capped. */
  budget(response: UpstreamResponse): Budget | undefined
}

export function boundedWaits(signals: RateLimitSignals, cap: PauseCapConfig): Waits {
  const bound = (ms: number, daily: boolean) => {
    const most = daily ? cap.dailyMs : cap.windowMs
    return Number.isFinite(ms) ? Math.max(0, Math.min(ms, most)) : most
  }
  return {
    asked(response) {
      const fromCrm = signals.retryAfter?.(response)
      if (fromCrm) return { ms: bound(fromCrm.ms, fromCrm.daily === true), daily: fromCrm.daily === true }
      const ms = retryAfterMs(response)
      return ms === undefined ? undefined : { ms: bound(ms, false), daily: false }
    },
    budget(response) {
      const said = signals.budget?.(response)
      if (!said) return undefined
      const daily = said.daily === true
      return { remaining: said.remaining, resetMs: bound(said.resetMs, daily), daily }
    },
  }
}

/** `Retry-After` as seconds or an HTTP date; `undefined` when absent or unreadable. */
export function retryAfterMs(response: UpstreamResponse, now = Date.now()): number | undefined {
  const value = header(response, 'retry-after')
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
