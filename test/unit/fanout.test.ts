import { FairLimit } from '../../src/tools/fair-limit.ts'
import { describe, expect, it } from 'vitest'
import type { CallOptions, NativeTask } from '../../src/kit/spec.ts'
import type { Connection } from '../../src/runtime/connections.ts'
import { UpstreamUnavailableError } from '../../src/errors.ts'
import { fanOut, resultKey } from '../../src/service/fanout.ts'

const options = (): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: () => {} })

function connection(name: string, concurrency: number): Connection {
  return { name, limit: new FairLimit(concurrency, name) } as unknown as Connection
}
const task = (id: string): NativeTask => ({ id, subject: id, completed: false, completedAt: null })

describe('fanOut', () => {
  it('cuts each connection into chunks of its size and never runs more than its limit at once', async () => {
    const a = connection('a', 2)
    const b = connection('b', 1)
    const items = [
      ...Array.from({ length: 25 }, (_, i) => ({ connection: a, nativeId: `a${i}` })),
      ...Array.from({ length: 7 }, (_, i) => ({ connection: b, nativeId: `b${i}` })),
    ]
    const chunks: string[][] = []
    const inFlight = new Map<string, number>()
    const peak = new Map<string, number>()
    const found = await fanOut(
      items,
      (c) => (c.name === 'a' ? 10 : 3),
      async (c, ids) => {
        chunks.push([...ids])
        inFlight.set(c.name, (inFlight.get(c.name) ?? 0) + 1)
        peak.set(c.name, Math.max(peak.get(c.name) ?? 0, inFlight.get(c.name)!))
        await new Promise((resolve) => setTimeout(resolve, 10))
        inFlight.set(c.name, inFlight.get(c.name)! - 1)
        // The CRM knows every id but a7, and returns them out of order plus one it was not asked for.
        return [...ids].reverse().filter((id) => id !== 'a7').map(task).concat(task('intruder'))
      },
      options(),
    )
    expect(chunks.map((chunk) => chunk.length).sort((x, y) => x - y)).toEqual([1, 3, 3, 5, 10, 10])
    expect(peak.get('a')).toBe(2)
    expect(peak.get('b')).toBe(1)
    expect(found.size).toBe(31)
    expect(found.has(resultKey('a', 'a7'))).toBe(false)
    expect(found.has(resultKey('a', 'intruder'))).toBe(false)
  })

  it('fails a batch whose adapter rejects without a reason with an internal error, never undefined', async () => {
    const a = connection('a', 1)
    const items = [{ connection: a, nativeId: 'a1' }]
    const failing = fanOut(items, () => 10, () => Promise.reject(undefined), options())
    await expect(failing).rejects.toMatchObject({ code: 'INTERNAL', statusCode: 500 })
  })

  it('fails the whole batch with the first error and stops starting chunks', async () => {
    const a = connection('a', 1)
    const items = Array.from({ length: 10 }, (_, i) => ({ connection: a, nativeId: `a${i}` }))
    let calls = 0
    await expect(
      fanOut(
        items,
        () => 1,
        async () => {
          calls++
          if (calls === 2) throw new UpstreamUnavailableError('down')
          return []
        },
        options(),
      ),
    ).rejects.toBeInstanceOf(UpstreamUnavailableError)
    expect(calls).toBe(2)
  })
})
