import type { CallOptions } from '../adapter/common.ts'
import { chunks } from './chunks.ts'

interface Waiting<T> {
  readonly options: CallOptions
  readonly waiters: { resolve: (value: T | undefined) => void; reject: (error: unknown) => void }[]
}

/**
 * Gathers single lookups into batches. While no batch is in flight, a lookup goes out at once (or
 * after `windowMs`, if set); lookups that arrive while batches are in flight wait for them and go
 * out together, in chunks of `maxBatch`. Lookups of a key that is already pending or in flight
 * share its call. So an idle gateway adds no latency, and a busy one sends one call per chunk.
 */
export class Coalescer<T> {
  private pending = new Map<string, Waiting<T>>()
  private readonly inFlight = new Map<string, Promise<T | undefined>>()
  private batches = 0
  private scheduled = false

  constructor(
    private readonly fetch: (keys: string[], options: CallOptions) => Promise<Map<string, T>>,
    private readonly maxBatch: number,
    private readonly windowMs: number,
  ) {}

  load(key: string, options: CallOptions): Promise<T | undefined> {
    const flying = this.inFlight.get(key)
    if (flying) return flying
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key)
      if (waiting) waiting.waiters.push({ resolve, reject })
      else this.pending.set(key, { options, waiters: [{ resolve, reject }] })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.batches > 0 || this.scheduled) return
    this.scheduled = true
    const flush = () => {
      this.scheduled = false
      const taken = [...this.pending]
      this.pending = new Map()
      for (const chunk of chunks(taken, this.maxBatch)) this.send(chunk)
    }
    if (this.windowMs === 0) queueMicrotask(flush)
    else setTimeout(flush, this.windowMs)
  }

  private send(chunk: [string, Waiting<T>][]): void {
    this.batches++
    const keys = chunk.map(([key]) => key)
    // The first caller's deadline and signal govern the call: all in a chunk arrived within moments.
    const call = this.fetch(keys, chunk[0]![1].options)
    for (const [key, waiting] of chunk) {
      const one = call.then((found) => found.get(key))
      this.inFlight.set(key, one)
      one.then(
        (value) => {
          for (const waiter of waiting.waiters) waiter.resolve(value)
        },
        (error) => {
          for (const waiter of waiting.waiters) waiter.reject(error)
        },
      )
    }
    void call
      .catch(() => {})
      .finally(() => {
        for (const key of keys) this.inFlight.delete(key)
        this.batches--
        if (this.batches === 0 && this.pending.size > 0) this.schedule()
      })
  }
}
