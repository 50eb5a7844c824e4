import { describe, expect, it } from 'vitest'
import type { NativeRecord } from '../../src/kit/spec.ts'
import { Remembered } from '../../src/coordination/remembered.ts'
import { RecordAttempts } from '../../src/idempotency/record-attempts.ts'

type Found = { records: NativeRecord<object>[]; settleMs: number }

/** The rules of `record-attempts.ts`: whose attempt a record's keys hold, and what a doubt comes to. */
describe('record attempts', () => {
  const attempt = { connection: 'crm', keys: ['contacts\u0000email\u0000ana@acme.io', 'contacts\u0000externalId\u0000X-1'], deadline: 0 }
  const nothing = async (): Promise<Found> => ({ records: [], settleMs: 60_000 })
  const setup = (start = 1_000_000) => {
    let now = start
    const remembered = new Remembered(undefined, () => now)
    return { attempts: new RecordAttempts(remembered, () => now), remembered, advance: (ms: number) => (now += ms) }
  }
  const code = (outcome: unknown) => (outcome as { outcome: { failed: { code: string; retryAfterSeconds: number } } }).outcome.failed

  it('a record whose create is running is refused to another request for a second, under each of its keys', async () => {
    const { attempts } = setup()
    const first = await attempts.start(attempt, nothing)
    expect('send' in first).toBe(true)
    const byEmailOnly = await attempts.start({ ...attempt, keys: [attempt.keys[0]!] }, nothing)
    expect(code(byEmailOnly)).toMatchObject({ code: 'RECORD_IN_DOUBT', retryAfterSeconds: 1 })
  })

  it('a create that made its record, or surely made nothing, is forgotten: the next export just sends', async () => {
    const { attempts } = setup()
    for (const ending of ['made', 'nothing'] as const) {
      const started = await attempts.start(attempt, nothing)
      if (!('send' in started)) throw new Error('the first attempt sends')
      await attempts.end(started.send, ending)
      const next = await attempts.start(attempt, nothing)
      if (!('send' in next)) throw new Error(`after ${ending}, the next export sends`)
      await attempts.end(next.send, 'nothing')
    }
  })

  it('a create in doubt: the record the lookup finds is answered and the doubt forgotten; none is refused until settleMs, then sent', async () => {
    const { attempts, advance } = setup()
    const started = await attempts.start(attempt, nothing)
    if (!('send' in started)) throw new Error('the first attempt sends')
    await attempts.end(started.send, 'doubt')
    const early = await attempts.start(attempt, nothing)
    expect(code(early)).toMatchObject({ code: 'RECORD_IN_DOUBT', retryAfterSeconds: 60 })
    const made = { id: 'c-1', email: 'ana@acme.io' }
    expect(await attempts.start(attempt, async () => ({ records: [made], settleMs: 60_000 }))).toEqual({ outcome: { ok: made } })
    expect('send' in (await attempts.start(attempt, async () => ({ records: [made, { ...made, id: 'c-2' }], settleMs: 0 }))), 'forgotten once found').toBe(true)

    const other = { ...attempt, keys: ['contacts\u0000email\u0000bo@acme.io'] }
    const lost = await attempts.start(other, nothing)
    if (!('send' in lost)) throw new Error('the first attempt sends')
    await attempts.end(lost.send, 'doubt')
    const several = await attempts.start(other, async () => ({ records: [made, { ...made, id: 'c-2' }], settleMs: 0 }))
    expect(code(several)).toMatchObject({ code: 'RECORD_IN_DOUBT', retryAfterSeconds: 3600 })
    advance(60_001)
    expect('send' in (await attempts.start(other, nothing)), 'none found after settleMs: sent again').toBe(true)
  })

  it('a running create whose lease ran out (its process died) is in doubt, looked for from when it started', async () => {
    const { attempts, advance } = setup()
    const started = await attempts.start({ ...attempt, deadline: 1_000_000 + 10_000 }, nothing)
    expect('send' in started).toBe(true)
    advance(10_000 + 5_001)
    let lookedFrom: number | undefined
    const after = await attempts.start(attempt, async (createdAfter) => {
      lookedFrom = createdAfter
      return { records: [], settleMs: 0 }
    })
    expect('send' in after).toBe(true)
    expect(lookedFrom, 'the lookup looks back from the start, with a margin for the CRM clock').toBeLessThan(1_000_000)
  })
})
