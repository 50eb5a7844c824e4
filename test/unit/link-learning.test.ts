import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CallOptions } from '../../src/kit/spec.ts'
import { LinkLearning, MAX_WAIT_MS } from '../../src/runtime/link-learning.ts'
import { capturedLogger } from '../helpers/app.ts'

/** A logger whose lines a test reads: level, message and fields. */
function lines() {
  const captured = capturedLogger('debug')
  return { logger: captured.logger, seen: () => captured.lines.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

describe('learning what links need, outside any request (the rules of src/runtime/link-learning.ts)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('keeps a failure and tries again after 1 s, doubling each time up to 15 min', async () => {
    const tries: CallOptions[] = []
    const learning = new LinkLearning(async (options) => {
      tries.push(options)
      throw new Error('the CRM of connection "hubspot" answered 403')
    }, lines().logger, () => 1)
    learning.start()
    learning.start()
    await vi.advanceTimersByTimeAsync(999)
    expect(tries, 'the first try within 1 s of the start, at a random moment').toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(tries, 'one try, however often it is started').toHaveLength(1)
    expect(tries[0], 'a background call, with a deadline of its own').toMatchObject({ background: true, deadline: expect.any(Number) })
    const waits: number[] = []
    for (let i = 0; i < 12; i++) {
      let waited = 0
      while (tries.length === i + 1) {
        await vi.advanceTimersByTimeAsync(1000)
        waited += 1000
      }
      waits.push(waited)
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, MAX_WAIT_MS, MAX_WAIT_MS])
    learning.stop()
  })

  it('draws each wait between half and all of its value, so connections that failed together spread out', async () => {
    let tries = 0
    const learning = new LinkLearning(async () => {
      tries++
      throw new Error('down')
    }, lines().logger, () => 0)
    learning.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(499)
    expect(tries).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(tries, 'the first wait at its least: 0.5 s').toBe(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(tries, 'the second at its least: 1 s').toBe(3)
    learning.stop()
  })

  it('stops once learned: no more tries, whatever the time', async () => {
    let tries = 0
    const { seen, logger } = lines()
    const learning = new LinkLearning(async () => {
      if (++tries < 3) throw new Error('the CRM of connection "hubspot" answered 500')
    }, logger, () => 1)
    learning.start()
    expect(learning.learned, 'not learned before its first try').toBe(false)
    await vi.advanceTimersByTimeAsync(1000)
    expect(learning.learned, 'not learned while its tries fail').toBe(false)
    await vi.advanceTimersByTimeAsync(24 * 3600_000)
    expect(learning.learned).toBe(true)
    expect(tries).toBe(3)
    expect(seen().map((line) => line.level), 'the first failure warns, the next only at debug, and learning is told').toEqual([40, 20, 30])
    expect(seen()[0]).toMatchObject({ reason: 'the CRM of connection "hubspot" answered 500', tries: 1, nextTryInMs: 1000 })
  })

  it("is cancelled only by the connection's close: the try in flight is aborted and none follows", async () => {
    let tries = 0
    let signal: AbortSignal | undefined
    const learning = new LinkLearning(
      (options) =>
        new Promise((_resolve, reject) => {
          tries++
          signal = options.signal
          options.signal.addEventListener('abort', () => reject(new Error('aborted')))
        }),
      lines().logger,
      () => 0,
    )
    learning.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(signal?.aborted).toBe(false)
    learning.stop()
    expect(signal?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(MAX_WAIT_MS * 2)
    expect(tries).toBe(1)
  })

  it('gives up a try at its own deadline, not a request\'s, and tries again later', async () => {
    let tries = 0
    const learning = new LinkLearning(
      (options) =>
        new Promise((_resolve, reject) => {
          tries++
          options.signal.addEventListener('abort', () => reject(new Error('timed out')))
        }),
      lines().logger,
      () => 0,
    )
    learning.start()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(tries).toBe(1)
    await vi.advanceTimersByTimeAsync(500)
    expect(tries).toBe(2)
    learning.stop()
  })

  it('does nothing for an adapter whose links need nothing learned', async () => {
    const learning = new LinkLearning(undefined, lines().logger)
    learning.start()
    expect(vi.getTimerCount()).toBe(0)
  })
})
