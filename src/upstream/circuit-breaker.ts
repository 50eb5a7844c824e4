import type { BreakerConfig } from '../config/schema.ts'
import { UpstreamCircuitOpenError } from '../errors.ts'
import { TransportError } from './transport.ts'
import type { Layer } from './types.ts'

export type BreakerState = 'closed' | 'open' | 'half-open'

/**
 * Per connection: after `failures` failed attempts in a row (a 5xx or a broken connection) calls
 * fail fast with 503 for `cooldownMs`; then one probe goes through, and its outcome closes the
 * circuit or opens it again. 4xx and 429 are answers, not failures: they never open it.
 */
export class CircuitBreaker {
  private consecutive = 0
  private opened = false
  private openedAt = 0
  private probing = false
  /** What the last failed call ran into: the open circuit's error tells it to operators. */
  private lastFailure: string | undefined

  constructor(
    private readonly config: BreakerConfig,
    private readonly connection: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Read from the clock, not moved by `admit`: with `health.intervalMs: 0` no call may come once
   * callers have stopped, and a state stored until the next call would show `open` in `/metrics`
   * for ever after the cool-down. We chose this over letting the health check probe: checks are
   * turned off for CRMs with tight daily budgets, and the first real call is the probe anyway.
   */
  get state(): BreakerState {
    if (!this.opened) return 'closed'
    return this.now() - this.openedAt >= this.config.cooldownMs ? 'half-open' : 'open'
  }

  /** Throws when a call may not go through now; else says whether the call is the probe. */
  admit(): Admission {
    const state = this.state
    if (state === 'closed') return NOT_PROBE
    if (state === 'half-open' && !this.probing) {
      this.probing = true
      return PROBE
    }
    throw this.openError()
  }

  /** Throws as `admit` does unless the circuit is closed, without ever taking the probe. */
  admitOnlyClosed(): void {
    if (this.state !== 'closed') throw this.openError()
  }

  private openError(): UpstreamCircuitOpenError {
    const left = this.openedAt + this.config.cooldownMs - this.now()
    return new UpstreamCircuitOpenError(this.connection, Math.max(1, Math.ceil(Math.max(left, 0) / 1000)), this.lastFailure)
  }

  /**
   * A call succeeded. Only the probe closes a circuit that is not closed: a call let through
   * before the circuit opened, and answered after, says nothing about the CRM now.
   */
  succeeded(admission: Admission): void {
    if (!this.opened) {
      this.consecutive = 0
      return
    }
    if (!admission.probe) return
    this.consecutive = 0
    this.opened = false
    this.probing = false
  }

  /** The call never reached the CRM (cancelled, or refused by the rate limiter): no verdict. */
  release(admission: Admission): void {
    if (admission.probe) this.probing = false
  }

  failed(admission: Admission, failure?: string): void {
    this.lastFailure = failure
    this.consecutive++
    if (this.opened ? admission.probe : this.consecutive >= this.config.failures) {
      this.opened = true
      this.openedAt = this.now()
      this.probing = false
    }
  }
}

/** What `admit` let through: the probe of a half-open circuit, or an ordinary call. */
export interface Admission {
  readonly probe: boolean
}
const PROBE: Admission = { probe: true }
const NOT_PROBE: Admission = { probe: false }

export function circuitBreakerLayer(breaker: CircuitBreaker): Layer {
  return (next) => async (attempt) => {
    if (attempt.options.background) {
      // A side read gives no verdict: it neither opens the circuit for the tenants' calls nor
      // takes the probe of a half-open one, and it waits for a closed circuit like everyone.
      breaker.admitOnlyClosed()
      return next(attempt)
    }
    const admission = breaker.admit()
    let response: Awaited<ReturnType<typeof next>>
    try {
      response = await next(attempt)
    } catch (error) {
      if (error instanceof TransportError && error.kind !== 'aborted') breaker.failed(admission, error.failure)
      else breaker.release(admission)
      throw error
    }
    if (response.status >= 500) breaker.failed(admission, `the CRM answered ${response.status}`)
    else breaker.succeeded(admission)
    return response
  }
}
