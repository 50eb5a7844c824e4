import { describe, expect, it } from 'vitest'
import { type PlannedCall, perfectTime } from '../../bench/lib/perfect-client.ts'

// The benchmarks' yardstick: if it were wrong, every fan-out ratio in BENCHMARKS.md would be too.
describe('the perfect client of the fan-out benchmark', () => {
  const independent = (n: number, kind = 'read'): PlannedCall[] => Array.from({ length: n }, () => ({ kind, after: [] }))
  const roomy = { concurrency: 8, requests: 1000, intervalMs: 1000 }

  it('runs independent calls in waves of the concurrency', () => {
    expect(perfectTime(independent(8), { read: 50 }, roomy)).toBe(50)
    expect(perfectTime(independent(12), { read: 50 }, roomy)).toBe(100)
    expect(perfectTime(independent(17), { read: 50 }, roomy)).toBe(150)
  })

  it('starts a call only once the calls it needs have answered', () => {
    const chain: PlannedCall[] = [
      { kind: 'update', after: [] },
      { kind: 'read', after: [0] },
      { kind: 'associations', after: [] },
    ]
    expect(perfectTime(chain, { update: 60, read: 50, associations: 40 }, roomy)).toBe(110)
  })

  it('waits for the window once it is full, with no margin', () => {
    const limited = { concurrency: 8, requests: 10, intervalMs: 1000 }
    // Ten calls in the first window (two waves), the eleventh and twelfth when the first frees.
    expect(perfectTime(independent(12), { read: 50 }, limited)).toBe(1050)
  })
})
