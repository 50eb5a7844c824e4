import type { CallOptions } from '../kit/spec.ts'

/** What a wait needs of a request: its deadline, and its signal, read only if it must wait. */
export type Waiter = Pick<CallOptions, 'signal' | 'deadline'>

interface Watch {
  readonly waiter: Waiter
  readonly leave: () => void
  ended: boolean
  stop?: () => void
}

let pending: Watch[] = []

/**
 * Calls `leave` once, when the request behind `waiter` is cancelled or passes its deadline, until
 * `stop` (returned) is called. A request's signal is a timer and a hang-up listener, made on first
 * read (`RequestCallOptions`); most waits (a memory or sql adapter's call, a coalesced read that
 * is answered at once, a free lock) end within the event-loop turn they began in, and making a
 * signal for each of them halved the gateway's throughput on the memory adapter. So the signal is
 * read and listened to only by the waits still pending once the turn's callbacks have run (one
 * `setImmediate` for all of them): a waiter already cancelled or late leaves then, at most one
 * turn after it began.
 */
export function whenAbandoned(waiter: Waiter, leave: () => void): () => void {
  const watch: Watch = { waiter, leave, ended: false }
  if (pending.length === 0) setImmediate(listen)
  pending.push(watch)
  return () => {
    watch.ended = true
    watch.stop?.()
  }
}

function listen(): void {
  const watches = pending
  pending = []
  for (const watch of watches) {
    if (watch.ended) continue
    const signal = watch.waiter.signal
    const fire = () => {
      if (watch.ended) return
      watch.ended = true
      watch.leave()
    }
    if (signal.aborted) {
      fire()
      continue
    }
    signal.addEventListener('abort', fire, { once: true })
    watch.stop = () => signal.removeEventListener('abort', fire)
  }
}

/** Whether a request is already past its deadline, without making its signal. */
export function pastDeadline(waiter: Waiter): boolean {
  return waiter.deadline <= Date.now()
}
