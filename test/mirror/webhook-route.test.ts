import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import type { Mirror } from '../../src/mirror/mirror.ts'
import { headers, testApp } from '../helpers/app.ts'
import { FeedCrm, feedRegistry } from './feed-crm.ts'

/**
 * `POST /webhooks/:connection` (`src/http/routes/webhooks.ts`, `Mirror.receive`): no API key, the
 * subscription's HTTP Basic credentials instead; a change applied at once; wrong credentials,
 * malformed, replayed and older events, and a flood of them, change nothing else.
 */
const HOUR = 3_600_000
const apps: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

async function gateway(crm: FeedCrm) {
  const app = await testApp({ connections: { crm: { adapter: 'feedy', webhooks: true, mirror: { pollMs: HOUR, maxStalenessMs: 2 * HOUR } } }, registry: feedRegistry(crm) })
  apps.push(app)
  await (app.gateway.current.runtime.connections.get('crm')!.mirror as Mirror).sweeper.sweep()
  const target = crm.subscriptions[0]!
  const basic = (user = target.user, password = target.password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  const deliver = (payload: unknown, authorization = basic()) =>
    app.inject({ method: 'POST', url: '/webhooks/crm', headers: { authorization, 'content-type': 'application/json' }, payload: payload as object })
  const subject = async (id: string) => (await app.inject({ method: 'GET', url: `/tasks/crm.${id}`, headers })).json().subject as string | undefined
  return { app, target, basic, deliver, subject }
}

describe('the webhook route', () => {
  it('is subscribed once, at the gateway\'s own route, with credentials of its own', async () => {
    const crm = new FeedCrm()
    const { target } = await gateway(crm)
    expect(crm.subscriptions).toHaveLength(1)
    expect(target.url).toBe('https://gateway.example/webhooks/crm')
    expect(target.user).toMatch(/^enginy-[0-9a-f]{12}$/)
    expect(target.password.length).toBeGreaterThanOrEqual(40)
  })

  it('applies a change at once, without a sweep or a CRM call', async () => {
    const crm = new FeedCrm()
    const id = crm.add().id
    const { deliver, subject } = await gateway(crm)
    const res = await deliver({ id, subject: 'renamed in the CRM', modifiedAt: Date.now() + 1000 })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ changes: 1 })
    expect(await subject(id)).toBe('renamed in the CRM')
    expect(crm.calls.get).toBe(0)
  })

  it('refuses wrong credentials and malformed events, and applies nothing of them', async () => {
    const crm = new FeedCrm()
    const id = crm.add().id
    const { deliver, basic, subject, target } = await gateway(crm)
    const forged = { id, subject: 'forged', modifiedAt: Date.now() + 1000 }
    for (const authorization of [basic(target.user, 'wrong'), basic('someone', target.password), `Bearer ${target.password}`, '', basic(target.user, `${target.password}x`)]) {
      const res = await deliver(forged, authorization)
      expect(res.statusCode).toBe(401)
      expect(res.headers['www-authenticate']).toBe('Basic realm="enginy-gateway webhooks"')
    }
    for (const malformed of [{ id: '../1', modifiedAt: 1 }, { id, modifiedAt: 'soon' }, [], 'text']) {
      expect((await deliver(malformed)).statusCode).toBe(400)
    }
    expect(await subject(id)).toBe('task 1')
  })

  it('lets neither a replayed nor an older event make a task older', async () => {
    const crm = new FeedCrm()
    const id = crm.add().id
    const { deliver, subject } = await gateway(crm)
    const at = Date.now() + 1000
    await deliver({ id, subject: 'second', modifiedAt: at + 10 })
    await deliver({ id, subject: 'first', modifiedAt: at })
    await deliver({ id, subject: 'second', modifiedAt: at + 10 })
    expect(await subject(id)).toBe('second')
    await deliver({ id, deleted: true, modifiedAt: at + 20 })
    await deliver({ id, subject: 'second', modifiedAt: at + 10 })
    const gone = await (apps[0] as FastifyInstance).inject({ method: 'GET', url: `/tasks/crm.${id}`, headers })
    expect(gone.statusCode).toBe(404)
    expect(crm.calls.get).toBe(0)
  })

  it('takes a flood of events without slowing the other routes or calling the CRM', async () => {
    const crm = new FeedCrm()
    const ids = Array.from({ length: 20 }, () => crm.add().id)
    const { app, deliver } = await gateway(crm)
    const before = { ...crm.calls }
    const flood = Array.from({ length: 2000 }, (_, i) => deliver({ id: ids[i % 20]!, subject: `event ${i}`, modifiedAt: Date.now() + 1000 + i }))
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    expect(health.statusCode).toBe(200)
    const answers = await Promise.all(flood)
    expect(answers.every((res) => res.statusCode === 200)).toBe(true)
    expect(crm.calls).toEqual(before)
  })

  it('is a route that does not exist for a connection without webhooks', async () => {
    const crm = new FeedCrm()
    const app = await testApp({ connections: { crm: { adapter: 'feedy', mirror: { pollMs: HOUR, maxStalenessMs: 2 * HOUR } } }, registry: feedRegistry(crm) })
    apps.push(app)
    const res = await app.inject({ method: 'POST', url: '/webhooks/crm', headers: { 'content-type': 'application/json' }, payload: {} })
    expect(res.statusCode).toBe(404)
    expect((await app.inject({ method: 'POST', url: '/webhooks/elsewhere', headers: { 'content-type': 'application/json' }, payload: {} })).statusCode).toBe(404)
  })
})
