import { UpstreamTimeoutError } from '../errors.ts'
import { type Waiter, whenAbandoned } from './abandon.ts'

/**
 * Requests that would write the same record take turns: creates of one e-mail, one domain, one
 * activity's message id. Without turns, two requests that both looked and found nothing would
 * both create, and the CRM would hold two records where Enginy expects one.
 *
 * The rules of sharing, which this module owns:
 * - nothing is shared but the order: each request does its own look-up and its own write, after
 *   the one before it on any of its keys has finished, so a later request finds what an earlier
 *   one wrote (the first write wins; the others answer it);
 * - each waiter keeps its own deadline and cancellation: one that runs out while waiting leaves
 *   the queue at once with a 504, and the requests behind it move up as if it had not been there;
 * - a request that holds several keys (a batch) takes them all at once, in one step, so two
 *   batches can never each hold a key the other waits for;
 * - the turns are this process's: across replicas, the CRM's own uniqueness (HubSpot's unique
 *   e-mail, the sql adapter's unique index) keeps the last race from making a duplicate.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>()

  constructor(private readonly connection: string) {}

  async run<T>(keys: Iterable<string>, waiter: Waiter, work: () => Promise<T>): Promise<T> {
    let release!: () => void
    const mine = new Promise<void>((resolve) => {
      release = resolve
    })
    // Every key is queued in this one synchronous step: see the rules above.
    const before: Promise<void>[] = []
    for (const key of new Set(keys)) {
      const previous = this.tails.get(key)
      const tail = previous ? previous.then(() => mine) : mine
      this.tails.set(key, tail)
      void tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key)
      })
      if (previous) before.push(previous)
    }
    try {
      // Keys nobody holds: no wait, so no signal to make (`whenAbandoned`).
      if (before.length > 0) {
        await untilAbandoned(Promise.all(before), waiter, this.connection)
        // Cancelled within the turn its turn came (before its listener was made): it leaves.
        if (waiter.signal.aborted) throw new UpstreamTimeoutError(this.connection)
      }
      return await work()
    } finally {
      release()
    }
  }

  /** Keys with a request holding or waiting for them; for tests. */
  get size(): number {
    return this.tails.size
  }
}

function untilAbandoned(wait: Promise<unknown>, waiter: Waiter, connection: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = whenAbandoned(waiter, () => reject(new UpstreamTimeoutError(connection)))
    wait.then(
      () => {
        stop()
        resolve()
      },
      (error) => {
        stop()
        reject(error)
      },
    )
  })
}
