import { UpstreamTimeoutError } from '../errors.ts'
import { pastDeadline, type Waiter, whenAbandoned } from './abandon.ts'

interface Job {
  readonly start: () => void
}

/**
 * A connection's cap on adapter calls at once, with two rules p-limit has not:
 * - **a queued call leaves when its request is cancelled or past its deadline** (504 at once),
 *   and never starts;
 * - **a batch does not starve the others**: a batch's chunks (`bulk`) start only when no single
 *   call waits, so a GET arriving behind a thousand queued completions goes next, not last. A
 *   batch alone still uses every slot.
 */
export class FairLimit {
  private active = 0
  private readonly single: Job[] = []
  private readonly bulk: Job[] = []

  constructor(
    public concurrency: number,
    private readonly connection: string,
  ) {}

  run<T>(waiter: Waiter, work: () => Promise<T>, bulk = false): Promise<T> {
    if (pastDeadline(waiter)) return Promise.reject(new UpstreamTimeoutError(this.connection))
    return new Promise<T>((resolve, reject) => {
      const go = () => {
        this.active++
        work()
          .then(resolve, reject)
          .finally(() => {
            this.active--
            this.next()
          })
      }
      if (this.active < this.concurrency && this.single.length === 0 && this.bulk.length === 0) return go()
      const queue = bulk ? this.bulk : this.single
      const stop = whenAbandoned(waiter, () => {
        const index = queue.indexOf(job)
        if (index >= 0) queue.splice(index, 1)
        reject(new UpstreamTimeoutError(this.connection))
      })
      const job: Job = {
        start: () => {
          stop()
          // Aborted in the turn it was queued in, before its listener was made (a batch whose
          // first chunk failed, a request cancelled): it never starts. A queued waiter's signal
          // is worth making; it waited.
          if (pastDeadline(waiter) || waiter.signal.aborted) return reject(new UpstreamTimeoutError(this.connection))
          go()
        },
      }
      queue.push(job)
      this.next()
    })
  }

  /** Calls waiting for a slot; for metrics and tests. */
  get waiting(): number {
    return this.single.length + this.bulk.length
  }

  private next(): void {
    while (this.active < this.concurrency) {
      const job = this.single.shift() ?? this.bulk.shift()
      if (!job) return
      job.start()
    }
  }
}
