import { median } from './helpers.ts'

/** One upstream call of a perfect client: its kind (which sets its round trip) and the calls
 * whose answers it needs first. */
export interface PlannedCall {
  readonly kind: string
  readonly after: readonly number[]
}

export interface Limits {
  readonly concurrency: number
  readonly requests: number
  readonly intervalMs: number
}

/**
 * The least time a perfect client needs for `calls`: `concurrency` calls at once, each taking the
 * round trip of its kind, at most `requests` starting in any `intervalMs` (no margin for jitter),
 * a call starting as soon as the calls it needs have answered. Simulated call by call, earliest
 * first, with no work of its own (parsing, mapping, answering a caller).
 */
export function perfectTime(calls: readonly PlannedCall[], roundTrip: Readonly<Record<string, number>>, limits: Limits): number {
  const slots = Array<number>(limits.concurrency).fill(0)
  const done = Array<number | undefined>(calls.length)
  const starts: number[] = []
  for (let left = calls.length; left > 0; left--) {
    let next = -1
    let ready = Number.POSITIVE_INFINITY
    calls.forEach((call, i) => {
      if (done[i] !== undefined || call.after.some((j) => done[j] === undefined)) return
      const at = Math.max(0, ...call.after.map((j) => done[j]!))
      if (at < ready) [next, ready] = [i, at]
    })
    const slot = slots.indexOf(Math.min(...slots))
    const windowFree = starts.length >= limits.requests ? starts[starts.length - limits.requests]! + limits.intervalMs : 0
    const start = Math.max(slots[slot]!, ready, windowFree)
    starts.push(start)
    done[next] = slots[slot] = start + roundTrip[calls[next]!.kind]!
  }
  return Math.round(Math.max(...done.map((end) => end ?? 0)))
}

/** The median time of `run`, over five runs. */
export async function medianOfFive(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    await run()
    times.push(performance.now() - started)
  }
  return median(times)
}
