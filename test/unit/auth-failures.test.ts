import { describe, expect, it } from 'vitest'
import { AuthThrottledError, UnauthorizedError } from '../../src/errors.ts'
import { AuthFailures, addressGroup } from '../../src/http/auth-failures.ts'

const budget = { burst: 3, perMinute: 6 }

/** A bucket on a clock the test moves, counting what the metrics would, and every key lookup. */
function setup(max?: number) {
  let now = 1_000_000
  const counted = { failed: 0, throttled: 0 }
  const failures = new AuthFailures(
    { failed: { inc: () => counted.failed++ }, throttled: { inc: () => counted.throttled++ } },
    () => now,
    max,
  )
  let lookups = 0
  const attempt = (address: string, valid = false, within = budget) =>
    failures.admit(
      address,
      within,
      () => {
        lookups++
        return valid ? 'tenant' : undefined
      },
      () => new UnauthorizedError(),
    )
  return {
    failures,
    counted,
    attempt,
    lookups: () => lookups,
    pass: (ms: number) => {
      now += ms
    },
  }
}

describe('failed authentications per address', () => {
  it('refuses an address that spent its burst with a 429 and Retry-After, without looking at its key, even a valid one', () => {
    const { attempt, counted, lookups } = setup()
    for (let i = 0; i < 3; i++) expect(attempt('10.0.0.1')).toBeInstanceOf(UnauthorizedError)
    const throttled = attempt('10.0.0.1', true)
    expect(throttled).toBeInstanceOf(AuthThrottledError)
    // 6 a minute: one every 10 s.
    expect((throttled as AuthThrottledError).retryAfterSeconds).toBe(10)
    expect((throttled as AuthThrottledError).message).toBe('too many failed authentications from this address; retry after 10 s')
    expect(lookups()).toBe(3)
    expect(counted).toEqual({ failed: 3, throttled: 1 })
  })

  it('refills while the address is quiet: one try per 1/perMinute, up to the burst, and Retry-After counts down', () => {
    const { attempt, pass } = setup()
    for (let i = 0; i < 3; i++) attempt('10.0.0.1')
    pass(4_000)
    expect((attempt('10.0.0.1') as AuthThrottledError).retryAfterSeconds).toBe(6)
    pass(6_000)
    expect(attempt('10.0.0.1', true)).toBe('tenant')
    expect(attempt('10.0.0.1')).toBeInstanceOf(UnauthorizedError)
    expect(attempt('10.0.0.1')).toBeInstanceOf(AuthThrottledError)
    // A long quiet refills the burst, and no more than it.
    pass(3_600_000)
    for (let i = 0; i < 3; i++) expect(attempt('10.0.0.1')).toBeInstanceOf(UnauthorizedError)
    expect(attempt('10.0.0.1')).toBeInstanceOf(AuthThrottledError)
  })

  it('spends nothing on valid keys, and slows no other address', () => {
    const { attempt, failures } = setup()
    for (let i = 0; i < 100; i++) expect(attempt('10.0.0.1', true)).toBe('tenant')
    expect(failures.size).toBe(0)
    for (let i = 0; i < 10; i++) attempt('10.0.0.2')
    expect(attempt('10.0.0.2', true)).toBeInstanceOf(AuthThrottledError)
    expect(attempt('10.0.0.3', true)).toBe('tenant')
    expect(attempt('10.0.0.1')).toBeInstanceOf(UnauthorizedError)
  })

  it('applies the budget in force at each attempt: a reload that lowers the burst counts the failures already made', () => {
    const { attempt } = setup()
    attempt('10.0.0.1')
    attempt('10.0.0.1')
    expect(attempt('10.0.0.1', true, { burst: 2, perMinute: 6 })).toBeInstanceOf(AuthThrottledError)
    expect(attempt('10.0.0.1', true, { burst: 10, perMinute: 6 })).toBe('tenant')
  })

  it('counts an IPv6 address by its /64, and an IPv4 address shown as IPv6 as the IPv4 address', () => {
    const { attempt } = setup()
    for (const address of ['2001:db8:0:1::1', '2001:db8:0:1:ffff::2', '2001:0db8:0000:0001:1:2:3:4']) attempt(address)
    expect(attempt('2001:db8:0:1::99', true)).toBeInstanceOf(AuthThrottledError)
    expect(attempt('2001:db8:0:2::1', true)).toBe('tenant')
    for (let i = 0; i < 3; i++) attempt('::ffff:192.0.2.7')
    expect(attempt('192.0.2.7', true)).toBeInstanceOf(AuthThrottledError)
  })

  it('remembers at most its number of addresses, forgetting the one that failed longest ago', () => {
    const { attempt, failures } = setup(2)
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) for (let i = 0; i < 3; i++) attempt(address)
    expect(failures.size).toBe(2)
    expect(attempt('10.0.0.1', true)).toBe('tenant')
    expect(attempt('10.0.0.3', true)).toBeInstanceOf(AuthThrottledError)
  })

  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::ffff:c000:207', '192.0.2.7'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['2001:DB8:0:1:2:3:4:5', '2001:db8:0:1::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.7', '64:ff9b:0:0::/64'],
    ['1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9'],
    ['1::2::3', '1::2::3'],
    ['not an address', 'not an address'],
  ])('groups %s as %s', (address, group) => {
    expect(addressGroup(address)).toBe(group)
  })
})
