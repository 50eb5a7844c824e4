import { describe, expect, it } from 'vitest'
import { UpstreamCircuitOpenError } from '../../src/errors.ts'
import { CircuitBreaker } from '../../src/upstream/circuit-breaker.ts'

describe('CircuitBreaker', () => {
  it('opens after `failures` in a row, lets one probe through after the cooldown, and closes on success', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 1000 }, 'crm', () => now)
    breaker.admit()
    breaker.failed()
    breaker.admit()
    breaker.succeeded()
    breaker.failed()
    breaker.failed()
    expect(breaker.state).toBe('open')
    expect(() => breaker.admit()).toThrow(UpstreamCircuitOpenError)
    now = 1000
    breaker.admit()
    expect(breaker.state).toBe('half-open')
    expect(() => breaker.admit()).toThrow(UpstreamCircuitOpenError)
    breaker.succeeded()
    expect(breaker.state).toBe('closed')
    breaker.admit()
  })

  it('opens again when the probe fails, and frees the probe slot when a call never reached the CRM', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 1, cooldownMs: 1000 }, 'crm', () => now)
    breaker.failed()
    now = 1000
    breaker.admit()
    breaker.release()
    breaker.admit()
    breaker.failed()
    expect(breaker.state).toBe('open')
    expect(() => breaker.admit()).toThrow(UpstreamCircuitOpenError)
  })
})
