import { describe, expect, it } from 'vitest'
import type { WriteLog } from '../../src/kit/spec.ts'
import type { Found } from '../../src/idempotency/lost-creates.ts'
import { Remembered } from '../../src/coordination/remembered.ts'
import { ActivityInDoubtError } from '../../src/errors.ts'
import type { ActivityOut } from '../../src/contract/activities.ts'
import { type Message, MessageLog } from '../../src/idempotency/message-log.ts'

const activity = (id: string): ActivityOut => ({ id: `crm.${id}`, type: 'EMAIL', occurredAt: '2025-03-02T09:15:00Z' })
const OCCURRED_AT = Date.parse('2025-03-02T09:15:00Z')

/** A message whose create answers `made` (or fails as `fail` says), and whose lookup answers
 * `found` (none: the CRM cannot be searched); each call counted. */
function message(
  options: { made?: ActivityOut; fail?: 'lost' | 'refused'; found?: () => ActivityOut[]; settleMs?: number; deadlineMs?: number } = {},
): { message: Message; calls: { create: number; find: number }; seen: string[] } {
  const calls = { create: 0, find: 0 }
  const seen: string[] = []
  return {
    calls,
    seen,
    message: {
      connection: 'crm',
      occurredAt: OCCURRED_AT,
      deadline: Date.now() + (options.deadlineMs ?? 10_000),
      async create(writes: WriteLog) {
        calls.create++
        const write = writes.sending()
        if (options.fail === 'refused') write.refused()
        if (options.fail) throw new Error(`the create was ${options.fail}`)
        return options.made ?? activity('1')
      },
      async find(connection, createdAfter, occurredAt): Promise<Found<ActivityOut> | undefined> {
        calls.find++
        seen.push(`${connection} ${createdAfter < Date.now()} ${occurredAt}`)
        return options.found && { records: options.found(), settleMs: options.settleMs ?? 60_000 }
      },
    },
  }
}

describe('each message id logged once (MessageLog)', () => {
  it('keeps the id as attempting before the create is sent, then as the activity: the same message again answers it without a create', async () => {
    const remembered = new Remembered()
    const log = new MessageLog(remembered)
    const first = message()
    let during: string | undefined
    const create = first.message.create
    const watched = {
      ...first.message,
      create: async (writes: WriteLog) => {
        during = await remembered.get('crm', 'm-1')
        return create(writes)
      },
    }
    expect(await log.log('m-1', watched)).toEqual({ activity: activity('1'), created: true })
    expect(JSON.parse(during!)).toMatchObject({ state: 'running', connection: 'crm', occurredAt: OCCURRED_AT })
    const again = message()
    expect(await log.log('m-1', again.message)).toEqual({ activity: activity('1'), created: false })
    expect(again.calls).toEqual({ create: 0, find: 0 })
  })

  it('answers an activity an older version kept (the activity alone), in the one date form', async () => {
    const remembered = new Remembered()
    await remembered.change('crm', 'm-old', undefined, JSON.stringify({ ...activity('7'), occurredAt: '2025-03-02T09:15:00.000Z' }))
    const again = message()
    expect(await new MessageLog(remembered).log('m-old', again.message)).toEqual({ activity: activity('7'), created: false })
    expect(again.calls.create).toBe(0)
  })

  it('a create refused before it could take effect keeps nothing: the same message again is sent', async () => {
    const log = new MessageLog(new Remembered())
    await expect(log.log('m-2', message({ fail: 'refused' }).message)).rejects.toThrow('refused')
    const again = message()
    expect(await log.log('m-2', again.message)).toEqual({ activity: activity('1'), created: true })
    expect(again.calls).toEqual({ create: 1, find: 0 })
  })

  it('a create whose answer was lost: the same message again looks it up, from the first attempt, at its time, and answers the activity found', async () => {
    const log = new MessageLog(new Remembered())
    await expect(log.log('m-3', message({ fail: 'lost' }).message)).rejects.toThrow('lost')
    const again = message({ found: () => [activity('9')] })
    expect(await log.log('m-3', { ...again.message, occurredAt: OCCURRED_AT + 5000 })).toEqual({ activity: activity('9'), created: false })
    expect(again.calls).toEqual({ create: 0, find: 1 })
    expect(again.seen, 'looked for in the CRM of the first attempt, before it started, at the time it wrote').toEqual([`crm true ${OCCURRED_AT}`])
    const third = message()
    expect(await log.log('m-3', third.message), 'and kept').toEqual({ activity: activity('9'), created: false })
    expect(third.calls).toEqual({ create: 0, find: 0 })
  })

  it('none found: a 503 with Retry-After within settleMs, and nothing sent; after it, sent once', async () => {
    let now = Date.now()
    const log = new MessageLog(new Remembered(undefined, () => now), () => now)
    await expect(log.log('m-4', message({ fail: 'lost' }).message)).rejects.toThrow('lost')
    const early = message({ found: () => [], settleMs: 60_000 })
    const refused = await log.log('m-4', early.message).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ActivityInDoubtError)
    expect(refused).toMatchObject({ statusCode: 503, retryAfterSeconds: 60, message: expect.stringContaining('does not show it yet') })
    expect(early.calls.create).toBe(0)
    now += 60_001
    const later = message({ found: () => [], settleMs: 60_000 })
    expect(await log.log('m-4', later.message)).toEqual({ activity: activity('1'), created: true })
    expect(later.calls.create).toBe(1)
  })

  it.each([
    ['several found', { found: () => [activity('1'), activity('2')] }, '2 activities of the CRM of connection "crm" match it'],
    ['a CRM that cannot be searched', {}, 'cannot be searched'],
  ] as const)('%s: a 503 asking a person to look, and nothing sent', async (_, lookup, why) => {
    const log = new MessageLog(new Remembered())
    await expect(log.log('m-5', message({ fail: 'lost' }).message)).rejects.toThrow('lost')
    const again = message(lookup)
    await expect(log.log('m-5', again.message)).rejects.toMatchObject({ code: 'ACTIVITY_IN_DOUBT', retryAfterSeconds: 3600, message: expect.stringContaining(why) })
    expect(again.calls.create).toBe(0)
  })

  describe('an attempt of another replica (the rules of sharing)', () => {
    const running = (leaseUntil: number) => JSON.stringify({ state: 'running', attempt: 'theirs', connection: 'crm', startedAt: Date.now(), leaseUntil, occurredAt: OCCURRED_AT })

    it('still running: waited for, and its activity answered once it is logged', async () => {
      const remembered = new Remembered()
      const theirs = running(Date.now() + 60_000)
      await remembered.change('crm', 'm-6', undefined, theirs)
      const again = message()
      const answer = new MessageLog(remembered).log('m-6', again.message)
      await new Promise((resolve) => setTimeout(resolve, 120))
      await remembered.change('crm', 'm-6', theirs, JSON.stringify(activity('5')))
      expect(await answer).toEqual({ activity: activity('5'), created: false })
      expect(again.calls).toEqual({ create: 0, find: 0 })
    })

    it('still running at the waiter’s own deadline: a 503 with the seconds its lease has left', async () => {
      const remembered = new Remembered()
      await remembered.change('crm', 'm-7', undefined, running(Date.now() + 30_000))
      const again = message({ deadlineMs: 200 })
      const refused = (await new MessageLog(remembered).log('m-7', again.message).catch((error: unknown) => error)) as ActivityInDoubtError
      expect(refused).toMatchObject({ code: 'ACTIVITY_IN_DOUBT', message: expect.stringContaining('still running') })
      expect(refused.retryAfterSeconds).toBeGreaterThan(25)
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30)
      expect(again.calls.create).toBe(0)
    })

    it('past its lease (its replica died): in doubt, and looked up', async () => {
      const remembered = new Remembered()
      await remembered.change('crm', 'm-8', undefined, running(Date.now() - 1))
      const again = message({ found: () => [activity('8')] })
      expect(await new MessageLog(remembered).log('m-8', again.message)).toEqual({ activity: activity('8'), created: false })
      expect(again.calls).toEqual({ create: 0, find: 1 })
    })
  })
})
