import { describe, expect, it } from 'vitest'
import { BoundedMap } from '../../src/tools/bounded-map.ts'

describe('BoundedMap', () => {
  it('keeps at most max entries, pushing out the one written longest ago', () => {
    const map = new BoundedMap<string, number>({ max: 2 })
    map.set('a', 1)
    map.set('b', 2)
    map.set('a', 3)
    map.set('c', 4)
    expect([map.get('a'), map.get('b'), map.get('c'), map.size]).toEqual([3, undefined, 4, 2])
  })

  it('forgets an entry ttlMs after it was written', () => {
    let now = 1000
    const map = new BoundedMap<string, string>({ max: 10, ttlMs: 50 }, () => now)
    map.set('k', 'v')
    now += 49
    expect(map.get('k')).toBe('v')
    now += 1
    expect(map.get('k')).toBeUndefined()
    expect(map.size).toBe(0)
  })
})
