import { FairLimit } from '../../src/tools/fair-limit.ts'
import { describe, expect, it } from 'vitest'
import type { CallOptions, NativeTask, TaskPort } from '../../src/kit/spec.ts'
import { TaskStore } from '../../src/service/task-store.ts'
import type { CallSpan, CallTrace } from '../../src/kit/spec/call-options.ts'

/**
 * The rules of shared work (`task-store.ts`, `coalesce.ts`), each as a scripted interleaving: an
 * adapter whose every call waits until the test lets it answer.
 */

interface Call {
  readonly method: string
  readonly ids: readonly string[]
  readonly completed?: boolean
  readonly signal: AbortSignal
  readonly trace?: CallTrace
  answer(): void
}

function scriptedTasks() {
  const tasks = new Map<string, NativeTask>([
    ['a', { id: 'a', subject: 'old', completed: false, completedAt: null }],
    ['b', { id: 'b', subject: 'b', completed: false, completedAt: null }],
  ])
  const calls: Call[] = []
  const arrived: (() => void)[] = []
  const gate = <T>(method: string, ids: readonly string[], options: CallOptions, effect: () => T, completed?: boolean) =>
    new Promise<T>((resolve) => {
      calls.push({ method, ids, completed, signal: options.signal, trace: options.trace, answer: () => resolve(effect()) })
      for (const wake of arrived.splice(0)) wake()
    })
  const copy = (id: string) => ({ ...tasks.get(id)! })
  const port: TaskPort = {
    capabilities: { maxBatchRead: 100, maxBatchUpdate: 100 },
    isNativeId: () => true,
    doCreate: async () => {
      throw new Error('not used')
    },
    // A read sees the CRM as it was when the read arrived, whenever it answers.
    doGetMany: (ids, options) => {
      const snapshot = ids.map(copy)
      return gate('read', ids, options, () => snapshot)
    },
    doUpdate: (id, patch, options) =>
      gate('update', [id], options, () => {
        Object.assign(tasks.get(id)!, patch)
        return copy(id)
      }),
    doCompleteMany: (ids, completed, options) =>
      gate(
        'complete',
        ids,
        options,
        () =>
          ids.map((id) => {
            const task = tasks.get(id)!
            if (completed && !task.completed) task.completedAt = Date.now()
            if (!completed) task.completedAt = null
            task.completed = completed
            return copy(id)
          }),
        completed,
      ),
  }
  /** Resolves once `count` calls have arrived. */
  const untilCalls = async (count: number) => {
    while (calls.length < count) await new Promise<void>((resolve) => arrived.push(resolve))
  }
  return { port, tasks, calls, untilCalls }
}

const store = (port: TaskPort, cache = 0) =>
  new TaskStore(port, new FairLimit(8, 'crm'), { coalesce: { enabled: true, windowMs: 0 }, cache: { max: cache, ttlMs: 60_000 } }, 'crm')
const within = (ms: number, controller = new AbortController()): CallOptions => ({
  signal: AbortSignal.any([AbortSignal.timeout(ms), controller.signal]),
  deadline: Date.now() + ms,
  warn: () => {},
})
const settle = () => new Promise((resolve) => setTimeout(resolve, 5))

/** A request's trace as shared work sees it: whose it is, and which others it was linked to. */
class NamedTrace implements CallTrace {
  constructor(
    readonly name: string,
    readonly linked: readonly CallTrace[] = [],
  ) {}
  call(): CallSpan {
    throw new Error('the scripted adapter makes no CRM call')
  }
  sharedWith(others: readonly CallTrace[]): CallTrace {
    return new NamedTrace(this.name, others)
  }
}

describe('the rules of shared work', () => {
  it('complete, reopen, complete: each write goes out after the one before it, and the task ends completed', async () => {
    const { port, tasks, calls, untilCalls } = scriptedTasks()
    const s = store(port)
    const first = s.update('a', { completed: true }, within(5000))
    await untilCalls(1)
    const reopen = s.update('a', { completed: false }, within(5000))
    const again = s.update('a', { completed: true }, within(5000))
    await settle()
    // Neither later write joined the first, nor went out while it was in flight.
    expect(calls).toHaveLength(1)
    calls[0]!.answer()
    await first
    await untilCalls(2)
    expect(calls[1]).toMatchObject({ method: 'complete', completed: false })
    calls[1]!.answer()
    await reopen
    await untilCalls(3)
    expect(calls[2]).toMatchObject({ method: 'complete', completed: true })
    calls[2]!.answer()
    expect((await again)!.completed).toBe(true)
    expect(tasks.get('a')!.completed).toBe(true)
  })

  it('never lets a read that started before a write answer someone who read after the write finished', async () => {
    const { port, calls, untilCalls } = scriptedTasks()
    const s = store(port)
    const before = s.readOne('a', within(5000))
    await untilCalls(1)
    const write = s.update('a', { subject: 'new' }, within(5000))
    await untilCalls(2)
    calls[1]!.answer()
    expect((await write)!.subject).toBe('new')
    // The write answered; a read now must not join the read still in flight from before it.
    const after = s.readOne('a', within(5000))
    await untilCalls(3)
    expect(calls[2]).toMatchObject({ method: 'read', ids: ['a'] })
    calls[2]!.answer()
    expect((await after)!.subject).toBe('new')
    calls[0]!.answer()
    await before
  })

  it('lets each waiter of a shared read keep its own deadline; the read goes on for the others', async () => {
    const { port, calls, untilCalls } = scriptedTasks()
    const s = store(port)
    const warm = s.readOne('b', within(5000))
    await untilCalls(1)
    // Both gather while the first read is in flight, and go out together when it answers.
    const short = s.readOne('a', within(50))
    const long = s.readOne('b', within(5000))
    const late = s.readOne('a', within(5000))
    calls[0]!.answer()
    await warm
    await untilCalls(2)
    await expect(short).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(calls[1]!.signal.aborted, 'the shared read is not cancelled for the others').toBe(false)
    calls[1]!.answer()
    expect((await long)!.id).toBe('b')
    expect((await late)!.id).toBe('a')
  })

  it('cancels a shared read only when every waiter has gone', async () => {
    const { port, calls, untilCalls } = scriptedTasks()
    const s = store(port)
    const one = new AbortController()
    const two = new AbortController()
    const first = s.readOne('a', within(5000, one))
    const second = s.readOne('a', within(5000, two))
    await untilCalls(1)
    one.abort()
    await expect(first).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(calls[0]!.signal.aborted).toBe(false)
    two.abort()
    await expect(second).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' })
    expect(calls[0]!.signal.aborted, 'nobody waits any more: the CRM call is cancelled').toBe(true)
  })

  it('does not hold a new read behind a batch stuck in a retry back-off', async () => {
    const { port, calls, untilCalls } = scriptedTasks()
    const s = store(port)
    const stuck = s.readOne('a', within(5000))
    await untilCalls(1)
    const next = s.readOne('b', within(5000))
    // The first read never answers here; the second goes out after the gathering delay.
    await untilCalls(2)
    expect(calls[1]).toMatchObject({ method: 'read', ids: ['b'] })
    calls[1]!.answer()
    expect((await next)!.id).toBe('b')
    calls[0]!.answer()
    await stuck
  })

  it('never caches what a slow read found when a write of that task started after it', async () => {
    const { port, calls, untilCalls } = scriptedTasks()
    const s = store(port, 100)
    const slow = s.readOne('a', within(5000))
    await untilCalls(1)
    const write = s.update('a', { subject: 'new' }, within(5000))
    await untilCalls(2)
    calls[1]!.answer()
    await write
    calls[0]!.answer()
    expect((await slow)!.subject).toBe('old')
    // The cache holds the write's outcome, not the slow read's.
    expect((await s.readOne('a', within(5000)))!.subject).toBe('new')
    expect(calls).toHaveLength(2)
  })

  it("sends a shared read in its first waiter's name: that request's trace, linked once to each other request it serves", async () => {
    const { port, calls, untilCalls } = scriptedTasks()
    const s = store(port)
    const [alone, first, second] = [new NamedTrace('alone'), new NamedTrace('first'), new NamedTrace('second')]
    const warm = s.readOne('b', { ...within(5000), trace: alone })
    await untilCalls(1)
    // Gathered while the first read is in flight: one batch, in the name of the one that came first.
    const reads = [
      s.readOne('a', { ...within(5000), trace: first }),
      s.readOne('b', { ...within(5000), trace: second }),
      s.readOne('a', { ...within(5000), trace: second }),
      s.readOne('b', { ...within(5000) }),
    ]
    calls[0]!.answer()
    await warm
    await untilCalls(2)
    expect(calls[0]!.trace).toBe(alone)
    expect(calls[1]!.trace).toMatchObject({ name: 'first', linked: [second] })
    calls[1]!.answer()
    expect((await Promise.all(reads)).map((task) => task!.id)).toEqual(['a', 'b', 'a', 'b'])
  })
})
