import { describe, expect, it } from 'vitest'
import type { ResolvedConnection } from '../../src/config/types.ts'
import { KeptState } from '../../src/runtime/kept-state.ts'

/** The connections of a config, by name, as far as `KeptState` reads them: their adapter. */
const config = (adapters: Record<string, string>) =>
  new Map(Object.entries(adapters).map(([name, adapter]) => [name, { name, core: { adapter } } as unknown as ResolvedConnection]))

/** The rules of `src/runtime/kept-state.ts`, one by one. */
describe('state adapters keep across rebuilds', () => {
  it('hands the next runtime the value of a connection it still has, with the same adapter', () => {
    const first = new KeptState(undefined, config({ a: 'memory' }))
    const value = first.keep('a', 'memory', () => ({ records: 1 }))
    expect(first.keep('a', 'memory', () => ({ records: 2 })), 'made once').toBe(value)
    const next = new KeptState(first, config({ a: 'memory', b: 'memory' }))
    expect(next.keep('a', 'memory', () => ({ records: 3 }))).toBe(value)
  })

  it('gives a connection whose adapter changed, or that was removed and added back, a new value', () => {
    const first = new KeptState(undefined, config({ a: 'memory', b: 'memory' }))
    const a = first.keep('a', 'memory', () => 'a of memory')
    first.keep('b', 'memory', () => 'b of memory')
    const changed = new KeptState(first, config({ a: 'sql' }))
    expect(changed.keep('a', 'sql', () => 'a of sql')).toBe('a of sql')
    expect(changed.keep('b', 'memory', () => 'b anew'), 'b left the config: dropped').toBe('b anew')
    expect(new KeptState(first, config({ a: 'memory' })).keep('a', 'memory', () => 'other'), 'the earlier runtime is unchanged').toBe(a)
  })

  it('drops every value on clear, as the gateway’s stop does', () => {
    const kept = new KeptState(undefined, config({ a: 'memory' }))
    kept.keep('a', 'memory', () => 'before')
    kept.clear()
    expect(kept.keep('a', 'memory', () => 'after')).toBe('after')
  })
})
