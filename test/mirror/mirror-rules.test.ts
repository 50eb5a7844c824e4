import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Mirror } from '../../src/mirror/mirror.ts'
import { headers, testApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'
import { FeedCrm, feedRegistry } from './feed-crm.ts'

/**
 * The mirror's rules (`src/mirror/mirror.ts`, `sweeper.ts`), each against a CRM whose feed is in
 * the test's process (`feed-crm.ts`), counting the CRM's calls. Sweeps run when the test says so:
 * the timer's period is an hour.
 */
const HOUR = 3_600_000
const apps: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

async function gateway(crm: FeedCrm, mirror: Record<string, unknown> = {}) {
  const app = await testApp({ connections: { crm: { adapter: 'feedy', mirror: { pollMs: HOUR, maxStalenessMs: 2 * HOUR, ...mirror } } }, registry: feedRegistry(crm) })
  apps.push(app)
  const mirrorOf = () => app.gateway.current.runtime.connections.get('crm')!.mirror as Mirror
  // The sweep the gateway starts with (its timer's first, at once) is waited for until it has
  // begun, and then to its end: a sweep the test made before it would have let the timer's run
  // later, one listing more than the test counts.
  await waitFor(() => mirrorOf().sweeper.progress.size > 0)
  await mirrorOf().sweeper.sweep()
  const batch = async (ids: readonly string[]) => {
    const res = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: ids.map((id) => `crm.${id}`) } })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { id: string; subject: string; completed: boolean }[]
  }
  return { app, mirror: mirrorOf, batch, sweep: () => mirrorOf().sweeper.sweep() }
}

describe('the mirror of a connection', () => {
  it('answers polls without calling the CRM once built, one listing per sweep while nothing changes', async () => {
    const crm = new FeedCrm()
    const ids = Array.from({ length: 250 }, () => crm.add().id)
    const { batch, sweep } = await gateway(crm)
    expect(crm.sinces[0]).toBeUndefined()
    const built = crm.calls.list
    for (let poll = 0; poll < 5; poll++) {
      await sweep()
      expect((await batch(ids)).length).toBe(250)
    }
    expect(crm.calls.get).toBe(0)
    // Nothing changed since the build: each sweep lists once, from its watermark.
    expect(crm.calls.list).toBe(built + 5)
  })

  it("shows each kind's build and state in /metrics", async () => {
    const crm = new FeedCrm()
    for (let i = 0; i < 250; i++) crm.add()
    const { app } = await gateway(crm)
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toContain('gateway_mirror_built{connection="crm",kind="tasks"} 1')
    expect(metrics).toContain('gateway_mirror_serving{connection="crm",kind="tasks"} 1')
    expect(metrics).toMatch(/gateway_mirror_listed_records\{connection="crm",kind="tasks"\} \d+\n/)
    expect(metrics).toMatch(/gateway_mirror_age_seconds\{connection="crm",kind="tasks"\} \d/)
  })

  it("shows each kind's state on the status page: answering once built, stale once past maxStalenessMs", async () => {
    const crm = new FeedCrm()
    for (let i = 0; i < 120; i++) crm.add()
    const { app, mirror } = await gateway(crm)
    const status = async () => (await app.inject({ method: 'GET', url: '/status' })).body
    expect(await status()).toMatch(/tasks: <span class="ok">answers<\/span> \(\d+ listed, swept \d+ s ago\)/)
    // Three hours on and no sweep since: past maxStalenessMs (two hours).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3 * HOUR })
    try {
      expect(await status()).toMatch(/tasks: <span class="failed">stale: calls go to the CRM<\/span> \(\d+ listed, swept 1080\d s ago\)/)
    } finally {
      vi.useRealTimers()
    }
    expect(mirror().status()[0]?.serving).toBe(true)
  })

  it('sends calls to the CRM until the first build is complete', async () => {
    const crm = new FeedCrm()
    const ids = [crm.add().id, crm.add().id]
    let open = () => {}
    crm.gate = new Promise((resolve) => {
      open = resolve
    })
    const building = gateway(crm)
    await waitFor(() => apps.length > 0)
    const app = apps[0]!
    const poll = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: ids.map((id) => `crm.${id}`) } })
    expect(poll.json()).toHaveLength(2)
    expect(crm.calls.get).toBe(1)
    open()
    const { batch } = await building
    await batch(ids)
    expect(crm.calls.get).toBe(1)
  })

  it('sends calls to the CRM once its last complete sweep is older than maxStalenessMs', async () => {
    const crm = new FeedCrm()
    const ids = [crm.add().id, crm.add().id]
    const { batch } = await gateway(crm, { pollMs: 50, maxStalenessMs: 200 })
    crm.down = true
    await new Promise((resolve) => setTimeout(resolve, 400))
    const before = crm.calls.get
    expect((await batch(ids)).length).toBe(2)
    expect(crm.calls.get).toBe(before + 1)
  })

  it('reads a write through the gateway at once (read your writes)', async () => {
    const crm = new FeedCrm()
    const id = crm.add().id
    const { app } = await gateway(crm)
    const done = await app.inject({ method: 'PATCH', url: `/tasks/crm.${id}`, headers, payload: { completed: true } })
    expect(done.json()).toMatchObject({ completed: true })
    const created = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'made through the gateway' } })
    const reads = crm.calls.get
    expect((await app.inject({ method: 'GET', url: `/tasks/crm.${id}`, headers })).json()).toMatchObject({ completed: true })
    expect((await app.inject({ method: 'GET', url: `/tasks/${created.json().id}`, headers })).json()).toMatchObject({ subject: 'made through the gateway' })
    expect(crm.calls.get).toBe(reads)
  })

  it('sees a change and a deletion made in the CRM after the next sweep', async () => {
    const crm = new FeedCrm()
    const [a, b] = [crm.add().id, crm.add().id]
    const { app, batch, sweep } = await gateway(crm)
    crm.change(a, { subject: 'renamed in the CRM', completed: true, completedAt: Date.now() })
    crm.delete(b)
    expect((await batch([a, b])).map((task) => task.subject)).toEqual(['task 1', 'task 2'])
    await sweep()
    expect(await batch([a, b])).toEqual([expect.objectContaining({ subject: 'renamed in the CRM', completed: true })])
    expect((await app.inject({ method: 'GET', url: `/tasks/crm.${b}`, headers })).statusCode).toBe(404)
    expect(crm.calls.get).toBe(0)
  })

  it('asks the CRM for a task it holds no row of', async () => {
    const crm = new FeedCrm()
    const known = crm.add().id
    const { batch } = await gateway(crm)
    const unseen = crm.add({ subject: 'made after the sweep' }).id
    expect((await batch([known, unseen])).map((task) => task.subject)).toEqual(['task 1', 'made after the sweep'])
    expect(crm.calls.get).toBe(1)
  })

  it('finds a change the listing shows late, from the watermark less the overlap', async () => {
    const crm = new FeedCrm()
    crm.overlapMs = 1000
    const [a, b] = [crm.add().id, crm.add().id]
    const { batch, sweep } = await gateway(crm)
    crm.lagMs = 300
    crm.change(a, { subject: 'listed late' })
    crm.lagMs = 0
    crm.change(b, { subject: 'listed at once' })
    await sweep()
    expect((await batch([a, b])).map((task) => task.subject)).toEqual(['task 1', 'listed at once'])
    await new Promise((resolve) => setTimeout(resolve, 350))
    await sweep()
    expect((await batch([a, b])).map((task) => task.subject)).toEqual(['listed late', 'listed at once'])
  })

  it('repairs a gap (sweeps that failed while the CRM changed) from the last watermark', async () => {
    const crm = new FeedCrm()
    const id = crm.add().id
    const { batch, sweep, mirror } = await gateway(crm)
    crm.down = true
    crm.change(id, { subject: 'changed during the outage' })
    await sweep()
    expect(mirror().status()[0]).toMatchObject({ failures: 1 })
    crm.down = false
    await sweep()
    expect((await batch([id]))[0]!.subject).toBe('changed during the outage')
  })

  it('sees a change made while the first build pages through', async () => {
    const crm = new FeedCrm()
    crm.pageSize = 2
    const ids = Array.from({ length: 6 }, () => crm.add().id)
    crm.onList = (count) => {
      if (count === 2) crm.change(ids[0]!, { subject: 'changed during the build' })
    }
    const { batch } = await gateway(crm)
    expect((await batch(ids))[0]!.subject).toBe('changed during the build')
  })

  it('keeps an unordered listing from the moment it started', async () => {
    const crm = new FeedCrm()
    crm.ordered = false
    crm.pageSize = 2
    const ids = Array.from({ length: 6 }, () => crm.add().id)
    const { batch, sweep } = await gateway(crm)
    // Changed after the listing of its page, with a later one changed after it: a watermark at the
    // listing's newest change would pass it by.
    crm.change(ids[0]!, { subject: 'first' })
    crm.change(ids[5]!, { subject: 'last' })
    await sweep()
    expect((await batch(ids)).map((task) => task.subject)).toEqual(['first', 'task 2', 'task 3', 'task 4', 'task 5', 'last'])
  })
})

describe('a mirror in SQLite', () => {
  it('carries on after a restart from its watermark, answering at once', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'gateway-mirror-')), 'mirror.sqlite')
    const crm = new FeedCrm()
    const ids = Array.from({ length: 150 }, () => crm.add().id)
    const first = await gateway(crm, { store })
    await first.app.close()
    apps.splice(apps.indexOf(first.app), 1)
    crm.change(ids[0]!, { subject: 'changed while stopped' })
    const listedBefore = crm.sinces.length
    let open = () => {}
    crm.gate = new Promise((resolve) => {
      open = resolve
    })
    const second = gateway(crm, { store })
    await waitFor(() => apps.length > 0 && crm.sinces.length > listedBefore)
    const listed = crm.sinces.length
    // Answered from the file while its first sweep waits: nothing listed again, no read.
    const poll = await apps[0]!.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: ids.map((id) => `crm.${id}`) } })
    expect(poll.json()[0].subject).toBe('task 1')
    expect(crm.calls.get).toBe(0)
    open()
    const { batch } = await second
    // From the watermark, not a build again.
    expect(crm.sinces[listed - 1]).toEqual(expect.any(Number))
    expect((await batch(ids)).map((task) => task.subject).slice(0, 2)).toEqual(['changed while stopped', 'task 2'])
    expect(crm.calls.get).toBe(0)
  })

  it('lets one of two replicas sweep at a time (the lease)', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'gateway-mirror-')), 'mirror.sqlite')
    const crm = new FeedCrm()
    crm.add()
    const one = await gateway(crm, { store })
    const two = await gateway(crm, { store })
    for (let round = 0; round < 3; round++) await Promise.all([one.sweep(), two.sweep()])
    const sweeps = [one, two].map((replica) => replica.mirror().status()[0]!.sweeps)
    // The first holds the lease: every listing is one of its sweeps, none is the second's.
    expect(sweeps[0]).toBeGreaterThanOrEqual(4)
    expect(sweeps[1]).toBe(0)
    expect(crm.calls.list).toBe(sweeps[0])
    // Stopped, it hands the lease on: the other sweeps.
    await one.app.close()
    apps.splice(apps.indexOf(one.app), 1)
    await two.sweep()
    expect(two.mirror().status()[0]!.sweeps).toBe(1)
  })
})
