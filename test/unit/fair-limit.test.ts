import { describe, expect, it } from 'vitest'
import { FairLimit } from '../../src/tools/fair-limit.ts'

const never = { signal: new AbortController().signal, deadline: Number.POSITIVE_INFINITY }
const gate = () => {
  let open!: () => void
  const closed = new Promise<void>((resolve) => {
    open = resolve
  })
  return { closed, open }
}

describe('FairLimit', () => {
  it('starts a single call waiting behind queued batch chunks before them', async () => {
    const limit = new FairLimit(1, 'crm')
    const order: string[] = []
    const first = gate()
    const running = limit.run(never, async () => {
      order.push('chunk 0')
      await first.closed
    }, true)
    const chunks = [1, 2, 3].map((i) => limit.run(never, async () => void order.push(`chunk ${i}`), true))
    const single = limit.run(never, async () => void order.push('get'))
    first.open()
    await Promise.all([running, single, ...chunks])
    expect(order).toEqual(['chunk 0', 'get', 'chunk 1', 'chunk 2', 'chunk 3'])
  })

  it('lets a queued call leave with a 504 when its signal aborts, and never starts it', async () => {
    const limit = new FairLimit(1, 'crm')
    const busy = gate()
    const holding = limit.run(never, () => busy.closed)
    const controller = new AbortController()
    let started = false
    const queued = limit.run({ signal: controller.signal, deadline: Number.POSITIVE_INFINITY }, async () => {
      started = true
    })
    controller.abort()
    await expect(queued).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(limit.waiting).toBe(0)
    busy.open()
    await holding
    expect(started).toBe(false)
  })

  it('never runs more than its concurrency at once', async () => {
    const limit = new FairLimit(3, 'crm')
    let active = 0
    let peak = 0
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit.run(never, async () => {
          peak = Math.max(peak, ++active)
          await new Promise((resolve) => setTimeout(resolve, 2))
          active--
        }, i % 2 === 0),
      ),
    )
    expect(peak).toBe(3)
  })
})
