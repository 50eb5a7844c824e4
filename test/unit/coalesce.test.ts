import { describe, expect, it } from 'vitest'
import type { CallOptions } from '../../src/kit/spec.ts'
import { Coalescer } from '../../src/tools/coalesce.ts'
import { UpstreamUnavailableError } from '../../src/errors.ts'

const options = (): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: () => {} })
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms))

describe('Coalescer', () => {
  it('sends the first lookup at once and gathers those that arrive meanwhile into batches of maxBatch', async () => {
    const calls: string[][] = []
    const coalescer = new Coalescer<string>(
      async (keys) => {
        calls.push(keys)
        await tick(20)
        return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `value of ${k}`]))
      },
      100,
      0,
      'crm',
    )
    const first = coalescer.load('k0', options())
    await tick(1)
    const rest = Array.from({ length: 199 }, (_, i) => coalescer.load(`k${i + 1}`, options()))
    const missing = coalescer.load('missing', options())
    const values = await Promise.all([first, ...rest])
    expect(values).toEqual(Array.from({ length: 200 }, (_, i) => `value of k${i}`))
    expect(await missing).toBeUndefined()
    expect(calls.map((keys) => keys.length)).toEqual([1, 100, 100])
  })

  it('shares one call between lookups of the same key, pending or in flight', async () => {
    let calls = 0
    const coalescer = new Coalescer<number>(
      async (keys) => {
        calls++
        await tick(10)
        return new Map(keys.map((k) => [k, calls]))
      },
      10,
      0,
      'crm',
    )
    const a = coalescer.load('same', options())
    const b = coalescer.load('same', options())
    await tick(2)
    const c = coalescer.load('same', options())
    expect(await Promise.all([a, b, c])).toEqual([1, 1, 1])
    expect(calls).toBe(1)
  })

  it('gives every waiter of a failed batch its error, and recovers for the next', async () => {
    let fail = true
    const coalescer = new Coalescer<string>(
      async (keys) => {
        if (fail) throw new UpstreamUnavailableError('down')
        return new Map(keys.map((k) => [k, k]))
      },
      10,
      0,
      'crm',
    )
    const results = await Promise.allSettled([coalescer.load('a', options()), coalescer.load('b', options())])
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof UpstreamUnavailableError)).toBe(true)
    fail = false
    expect(await coalescer.load('a', options())).toBe('a')
  })

  it('holds the first lookup for windowMs when one is set, so it is batched too', async () => {
    const calls: number[] = []
    const coalescer = new Coalescer<string>(
      async (keys) => {
        calls.push(keys.length)
        return new Map(keys.map((k) => [k, k]))
      },
      100,
      30,
      'crm',
    )
    const first = coalescer.load('a', options())
    await tick(5)
    const second = coalescer.load('b', options())
    await Promise.all([first, second])
    expect(calls).toEqual([2])
  })
})
