import { describe, expect, it } from 'vitest'
import { whenAbandoned } from '../../src/tools/abandon.ts'
import { FairLimit } from '../../src/tools/fair-limit.ts'
import { KeyedLock } from '../../src/tools/keyed-lock.ts'
import { SharedSignal } from '../../src/tools/shared-signal.ts'

/** A waiter that counts how often its signal is read: each read of a request's signal makes a
 * timer and a hang-up listener (`RequestCallOptions`). */
const waiter = (deadline = Number.POSITIVE_INFINITY) => {
  const controller = new AbortController()
  let reads = 0
  return {
    controller,
    get reads() {
      return reads
    },
    options: {
      deadline,
      get signal() {
        reads++
        return controller.signal
      },
    },
  }
}
const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('whenAbandoned', () => {
  it('never reads the signal of a wait that ends within the turn it began in', async () => {
    const w = waiter()
    const stop = whenAbandoned(w.options, () => {
      throw new Error('left')
    })
    await Promise.resolve()
    stop()
    await turn()
    expect(w.reads).toBe(0)
  })

  it('listens after the turn to a wait still pending, and calls leave once when it aborts', async () => {
    const w = waiter()
    let left = 0
    whenAbandoned(w.options, () => left++)
    await turn()
    expect(w.reads).toBe(1)
    w.controller.abort()
    w.controller.signal.dispatchEvent(new Event('abort'))
    expect(left).toBe(1)
  })

  it('lets a waiter cancelled before the turn ended leave right after it', async () => {
    const w = waiter()
    let left = 0
    whenAbandoned(w.options, () => left++)
    w.controller.abort()
    expect(left).toBe(0)
    await turn()
    expect(left).toBe(1)
  })

  it('stops listening when the wait ends', async () => {
    const w = waiter()
    let left = 0
    const stop = whenAbandoned(w.options, () => left++)
    await turn()
    stop()
    w.controller.abort()
    expect(left).toBe(0)
  })
})

describe('waits that do not wait read no signal', () => {
  it('a free slot of the limit, a free key of the lock, a shared read answered at once', async () => {
    const w = waiter()
    await new FairLimit(1, 'crm').run(w.options, async () => 1)
    await new KeyedLock('crm').run(['a@x.example'], w.options, async () => 1)
    const shared = new SharedSignal()
    await shared.wait(Promise.resolve(1), w.options, 'crm')
    await turn()
    expect(w.reads).toBe(0)
  })

  it('a request past its deadline gets no slot', async () => {
    const w = waiter(Date.now() - 1)
    let ran = false
    await expect(
      new FairLimit(1, 'crm').run(w.options, async () => {
        ran = true
      }),
    ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(ran).toBe(false)
  })

  it('a waiter of a held key leaves with a 504 when cancelled, and the key goes to the next', async () => {
    const lock = new KeyedLock('crm')
    let release!: () => void
    const holding = lock.run(['k'], waiter().options, () => new Promise<void>((resolve) => (release = resolve)))
    const cancelled = waiter()
    const waiting = lock.run(['k'], cancelled.options, async () => 'never')
    const next = lock.run(['k'], waiter().options, async () => 'next')
    await turn()
    cancelled.controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    release()
    await holding
    await expect(next).resolves.toBe('next')
  })
})
