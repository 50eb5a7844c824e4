import { describe, expect, it } from 'vitest'
import { UpstreamCircuitOpenError } from '../../src/errors.ts'
import { CircuitBreaker } from '../../src/upstream/circuit-breaker.ts'

describe('CircuitBreaker', () => {
  it('opens after `failures` in a row, lets one probe through after the cooldown, and closes on its success', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 1000 }, 'crm', () => now)
    breaker.failed(breaker.admit())
    breaker.succeeded(breaker.admit())
    breaker.failed(breaker.admit())
    breaker.failed(breaker.admit())
    expect(breaker.state).toBe('open')
    expect(() => breaker.admit()).toThrow(UpstreamCircuitOpenError)
    now = 1000
    const probe = breaker.admit()
    expect(breaker.state).toBe('half-open')
    expect(() => breaker.admit()).toThrow(UpstreamCircuitOpenError)
    breaker.succeeded(probe)
    expect(breaker.state).toBe('closed')
    breaker.admit()
  })

  it('tells what the failure that opened it ran into, for operators, and never in the message clients get', () => {
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 1000 }, 'crm', () => 0)
    breaker.failed(breaker.admit(), 'the CRM answered 503')
    breaker.failed(breaker.admit(), 'connection refused at 10.0.0.5:443')
    const error = (() => {
      try {
        breaker.admit()
      } catch (thrown) {
        return thrown as UpstreamCircuitOpenError
      }
    })()
    expect(error?.failure).toBe('connection refused at 10.0.0.5:443')
    expect(error?.message).not.toContain('10.0.0.5')
  })

  it('opens again when the probe fails, and frees the probe slot when a call never reached the CRM', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 1, cooldownMs: 1000 }, 'crm', () => now)
    breaker.failed(breaker.admit())
    now = 1000
    breaker.release(breaker.admit())
    breaker.failed(breaker.admit())
    expect(breaker.state).toBe('open')
    expect(() => breaker.admit()).toThrow(UpstreamCircuitOpenError)
  })

  it('stays open when a call let through before it opened answers well afterwards: only the probe closes it', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 1000 }, 'crm', () => now)
    const slow = breaker.admit()
    breaker.failed(breaker.admit())
    breaker.failed(breaker.admit())
    expect(breaker.state).toBe('open')
    breaker.succeeded(slow)
    expect(breaker.state).toBe('open')
    now = 1000
    const probe = breaker.admit()
    breaker.succeeded(slow)
    expect(breaker.state, 'an old call does not close a half-open circuit either').toBe('half-open')
    breaker.succeeded(probe)
    expect(breaker.state).toBe('closed')
  })

  it('shows half-open once the cool-down has passed, though no call came to move it', () => {
    let now = 0
    const breaker = new CircuitBreaker({ failures: 1, cooldownMs: 1000 }, 'crm', () => now)
    breaker.failed(breaker.admit())
    expect(breaker.state).toBe('open')
    now = 1000
    expect(breaker.state).toBe('half-open')
    expect(breaker.state, 'reading the state does not take the probe').toBe('half-open')
    const probe = breaker.admit()
    breaker.failed(probe)
    expect(breaker.state, 'a failed probe starts a new cool-down').toBe('open')
    now = 2000
    expect(breaker.state).toBe('half-open')
  })
})
