import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KeyedCreate, Idempotency, TENANT_BYTES } from '../../src/idempotency/idempotency.ts'
import { Coordination } from '../../src/coordination/redis.ts'
import type { Task, TaskCreate } from '../../src/contract/tasks.ts'
import { createLogger } from '../../src/logger.ts'
import { TestRedis } from '../helpers/redis.ts'

const DEADLINE_MS = 10_000

type Ops = (body: TaskCreate) => KeyedCreate

/** A create that answers `task`, counting its calls; its lookup answers `found` (none: it cannot look). */
function keyed(task: (body: TaskCreate) => Task, found?: () => Task[], settleMs = 60_000): { ops: Ops; calls: Record<'create' | 'find' | 'read', number> } {
  const calls = { create: 0, find: 0, read: 0 }
  const ops: Ops = (body) => ({
    connection: 'crm',
    create: async () => {
      calls.create++
      return task(body)
    },
    find: async () => {
      calls.find++
      return found && { records: found(), settleMs }
    },
    read: async (id) => {
      calls.read++
      return { id, subject: 'read again', completed: false, completedAt: null }
    },
  })
  return { ops, calls }
}

const answer = (id: string) => (body: TaskCreate): Task => ({ id, subject: body.subject, ...(body.description !== undefined && { description: body.description }), completed: false, completedAt: null })

/** A create that may have reached the CRM, then failed: a write sent, its answer lost. */
const lost: Ops = () => ({
  connection: 'crm',
  create: async (writes) => {
    writes.sending()
    throw new Error('the connection dropped')
  },
  find: async () => ({ records: [], settleMs: 60_000 }),
  read: async () => {
    throw new Error('nothing to read')
  },
})

describe.each(['in this process', 'in Redis'] as const)('idempotency keys %s', (where) => {
  let redis: TestRedis | undefined
  const coordinations: Coordination[] = []
  beforeAll(async () => {
    if (where === 'in Redis') redis = await TestRedis.start()
  })
  afterAll(async () => {
    for (const coordination of coordinations) await coordination.close()
    await redis?.down()
  })

  /** A gateway's store; those made with the same `prefix` share Redis, as replicas do. */
  const store = async (options: { maxBytesPerTenant?: number; now?: () => number } = {}, prefix = randomUUID()) => {
    if (!redis) return new Idempotency(undefined, options)
    const coordination = new Coordination(redis.url, prefix, 2, createLogger('silent'))
    coordinations.push(coordination)
    while (coordination.state !== 'shared') await new Promise((resolve) => setTimeout(resolve, 10))
    return new Idempotency(coordination, options)
  }
  /** The stores' clock: real time, moved on by `skew` where a test needs hours to pass. */
  let skew = 0
  const clock = () => Date.now() + skew
  const run = (idempotency: Idempotency, tenant: string, key: string, body: TaskCreate, ops: Ops) =>
    idempotency.create(tenant, key, body, clock() + DEADLINE_MS, ops(body))

  // In this process, the 100,000 keys that used to push every other tenant's keys out of one shared
  // map; in Redis, fewer keys under a smaller share push out as many of the tenant's own.
  const flood = where === 'in Redis' ? { keys: 20_000, share: 1024 * 1024 } : { keys: 100_000, share: TENANT_BYTES }

  it(`${flood.keys} keys of one tenant evict only that tenant's keys: another tenant's key still replays`, { timeout: 120_000 }, async () => {
    const idempotency = await store({ maxBytesPerTenant: flood.share })
    const other = keyed(answer('crm.other'))
    await run(idempotency, 'globex', 'globex-key', { subject: 'globex task' }, other.ops)
    const flooding = keyed(answer('crm.flood'))
    // 250 at once: as many unfinished creates as the smaller share holds, with room to spare.
    for (let start = 0; start < flood.keys; start += 250) {
      await Promise.all(Array.from({ length: 250 }, (_, i) => run(idempotency, 'acme', `acme-${start + i}`, { subject: `flood ${start + i}` }, flooding.ops)))
    }
    expect(flooding.calls.create).toBe(flood.keys)
    expect(await idempotency.bytes('acme'), 'the flooding tenant stays within its share').toBeLessThanOrEqual(flood.share)
    const oldest = await run(idempotency, 'acme', 'acme-0', { subject: 'flood 0' }, flooding.ops)
    expect(oldest.replayed, "the flooding tenant's oldest keys made room").toBe(false)

    const again = await run(idempotency, 'globex', 'globex-key', { subject: 'globex task' }, other.ops)
    expect(again).toEqual({ task: { id: 'crm.other', subject: 'globex task', completed: false, completedAt: null }, replayed: true })
    expect(other.calls.create, "the other tenant's retry made no second task").toBe(1)
    const newest = await run(idempotency, 'acme', `acme-${flood.keys - 1}`, { subject: `flood ${flood.keys - 1}` }, flooding.ops)
    expect(newest.replayed, "the flooding tenant's newest keys are kept").toBe(true)
  })

  it('keyed creates with 64 KiB descriptions keep the bytes of the answers, not of the bodies, under the bound', async () => {
    const bound = 256 * 1024
    const idempotency = await store({ maxBytesPerTenant: bound })
    const description = 'd'.repeat(64 * 1024)
    const big = keyed(answer('crm.big'))
    for (let i = 0; i < 200; i++) await run(idempotency, 'acme', `big-${i}`, { subject: `big ${i}`, description }, big.ops)
    const bytes = await idempotency.bytes('acme')
    expect(bytes, `200 keys of 64 KiB bodies: ${bytes} bytes`).toBeLessThanOrEqual(bound)
    expect(bytes, 'far less than one body a key').toBeLessThan(200 * 1024)
    const first = await run(idempotency, 'acme', 'big-0', { subject: 'big 0', description }, big.ops)
    expect(first.replayed, 'every key is still kept').toBe(true)
    expect(first.task.description, 'the answer replays whole').toBe(description)
    expect(big.calls.create).toBe(200)
  })

  it('an answer the CRM changed, too large to keep, keeps its task id: the repeat reads the task again', async () => {
    const idempotency = await store()
    const body = { subject: 'cut', description: 'x'.repeat(10_000) }
    const cut = keyed(() => ({ id: 'crm.cut', subject: 'cut', description: 'y'.repeat(9_000), completed: false, completedAt: null }))
    await run(idempotency, 'acme', 'cut-key', body, cut.ops)
    const again = await run(idempotency, 'acme', 'cut-key', body, cut.ops)
    expect(again).toMatchObject({ task: { id: 'crm.cut' }, replayed: true })
    expect(cut.calls).toMatchObject({ create: 1, read: 1 })
  })

  it('a tenant whose share is held by unfinished creates gets 503 for a new key; done keys make room', async () => {
    const idempotency = await store({ maxBytesPerTenant: 5000 })
    const done = keyed(answer('crm.done'))
    await run(idempotency, 'acme', 'done-1', { subject: 'done' }, done.ops)
    await expect(run(idempotency, 'acme', 'doubt-1', { subject: 'lost' }, lost)).rejects.toThrow('the connection dropped')
    await expect(run(idempotency, 'acme', 'doubt-2', { subject: 'lost' }, lost)).rejects.toThrow('the connection dropped')
    await expect(run(idempotency, 'acme', 'doubt-3', { subject: 'lost' }, lost)).rejects.toMatchObject({ code: 'IDEMPOTENCY_STORE_FULL' })
    expect(await idempotency.bytes('acme')).toBeLessThanOrEqual(5000)
    const replay = await run(idempotency, 'acme', 'doubt-1', { subject: 'lost' }, lost)
      .then(() => 'answered')
      .catch((error: { code: string }) => error.code)
    expect(replay, 'the keys in doubt are kept').toBe('IDEMPOTENCY_KEY_IN_DOUBT')
    expect((await run(idempotency, 'globex', 'g-1', { subject: 'other' }, keyed(answer('crm.g')).ops)).replayed, 'another tenant is not held').toBe(false)
  })

  it('a key in doubt: 409 while the lookup cannot be sure, the found task once it is, the create again once it is sure there is none', async () => {
    const idempotency = await store({ now: clock })
    const body = { subject: 'in doubt' }
    await expect(run(idempotency, 'acme', 'doubt', body, lost)).rejects.toThrow('the connection dropped')

    let found: Task[] = []
    const retry = keyed(answer('crm.again'), () => found)
    await expect(run(idempotency, 'acme', 'doubt', body, retry.ops)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_DOUBT', retryAfterSeconds: 60 })
    await expect(run(idempotency, 'acme', 'doubt', { subject: 'another body' }, retry.ops)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
    const twin = (id: string): Task => ({ id, subject: 'in doubt', completed: false, completedAt: null })
    found = [twin('crm.1'), twin('crm.2')]
    await expect(run(idempotency, 'acme', 'doubt', body, retry.ops)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_DOUBT', message: expect.stringContaining('2 tasks') })
    expect(retry.calls.create, 'no create is sent while in doubt').toBe(0)

    found = []
    skew += 61_000
    const settled = await run(idempotency, 'acme', 'doubt', body, retry.ops)
    expect(settled, 'past settleMs, no task means none was made: the create is sent again').toEqual({ task: twin('crm.again'), replayed: false })

    await expect(run(idempotency, 'acme', 'doubt-found', body, lost)).rejects.toThrow()
    found = [twin('crm.found')]
    const recovered = keyed(answer('crm.never'), () => found)
    expect(await run(idempotency, 'acme', 'doubt-found', body, recovered.ops)).toEqual({ task: twin('crm.found'), replayed: true })
    expect(await run(idempotency, 'acme', 'doubt-found', body, recovered.ops)).toEqual({ task: twin('crm.found'), replayed: true })
    expect(recovered.calls, 'found once, then replayed from the key').toMatchObject({ create: 0, find: 1 })
  })

  it('a create refused before any write took effect keeps nothing; a CRM that cannot be searched keeps the doubt', async () => {
    const idempotency = await store()
    const refused: Ops = (body) => ({
      ...lost(body),
      create: async (writes) => {
        writes.sending().refused()
        throw new Error('refused')
      },
    })
    await expect(run(idempotency, 'acme', 'refused', { subject: 'r' }, refused)).rejects.toThrow('refused')
    expect((await run(idempotency, 'acme', 'refused', { subject: 'r' }, keyed(answer('crm.r')).ops)).replayed).toBe(false)

    await expect(run(idempotency, 'acme', 'blind', { subject: 'b' }, lost)).rejects.toThrow()
    const blind = keyed(answer('crm.b'))
    await expect(run(idempotency, 'acme', 'blind', { subject: 'b' }, blind.ops)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_DOUBT', message: expect.stringContaining('cannot be searched') })
    expect(blind.calls.create).toBe(0)
  })

  it('a create whose request vanished (a replica that died) is in doubt once its lease has passed', async () => {
    const prefix = randomUUID()
    const [dying, living] = [await store({ now: clock }, prefix), where === 'in Redis' ? await store({ now: clock }, prefix) : undefined]
    const hung: KeyedCreate = { ...lost({ subject: 'v' }), create: () => new Promise<Task>(() => {}) }
    void dying.create('acme', 'vanished', { subject: 'v' }, clock() + 1000, hung)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const other = living ?? dying
    const waiter = keyed(answer('crm.v'), () => [])
    await expect(other.create('acme', 'vanished', { subject: 'v' }, clock() + 200, waiter.ops({ subject: 'v' })), 'while it runs, a repeat waits, then 409').rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
    })
    skew += 10_000
    await expect(other.create('acme', 'vanished', { subject: 'v' }, clock() + 1000, waiter.ops({ subject: 'v' }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_DOUBT' })
    expect(waiter.calls).toMatchObject({ create: 0, find: 1 })
  })
})
