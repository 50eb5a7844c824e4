import { expect } from 'vitest'
import type { Kind } from '../../src/kit/spec.ts'
import type { Harness, Method } from './harness.ts'

interface UserOut {
  id: unknown
  name: unknown
  email?: unknown
}

/** `GET /users`: owner selection in Enginy, on where the adapter can list the people. */
export function describeUserChecks(h: Harness) {
  h.check('users: GET /users lists {id, name} where the adapter has a users port, else 404', async () => {
    const res = await h.send('GET', '/users')
    if (!h.adapter.users) {
      expect(res.statusCode, `GET /users answers 404 without a users port: owner selection off (rule: users): ${res.body}`).toBe(404)
      return
    }
    expect(res.statusCode, `GET /users answers 200 (rule: users): ${res.body}`).toBe(200)
    const users = res.json() as UserOut[]
    expect(Array.isArray(users), 'GET /users answers a list (rule: users)').toBe(true)
    for (const user of users) {
      expect(typeof user.id === 'string' && user.id.length > 0, `each user has an id (rule: users, id): ${JSON.stringify(user)}`).toBe(true)
      expect(typeof user.name === 'string' && user.name.length > 0, `each user has a name (rule: users, name): ${JSON.stringify(user)}`).toBe(true)
      if ('email' in user) expect(typeof user.email, `a user's email is text (rule: users, email): ${JSON.stringify(user)}`).toBe('string')
    }
    expect(new Set(users.map((user) => user.id)).size, 'each user has an id of its own (rule: users, id)').toBe(users.length)
    const tasks = h.adapter.tasks
    const owner = users[0]
    if (owner && tasks && !(tasks.capabilities.unsupportedFields ?? []).includes('ownerId')) {
      const task = await h.send('POST', '/tasks', { subject: 'owned', ownerId: owner.id })
      expect(task.statusCode, `a task with a user's id as ownerId answers 201 (rule: users, ownerId): ${task.body}`).toBe(201)
      expect(task.json().ownerId, "a task gives the user's id back as ownerId (rule: users, ownerId)").toBe(owner.id)
    }
  })
}

/** What the gateway answers for a kind the adapter has no port for: 501, honestly. */
export function describeUnservedKinds(h: Harness) {
  h.check('kinds without a port: 501 Not Implemented, never a 200 or a 500', async (ctx) => {
    const routes: [Kind, Method, string, unknown][] = [
      ['tasks', 'POST', '/tasks', { subject: 'not served' }],
      ['contacts', 'POST', '/contacts', { contacts: [{ externalId: 'X-unserved', email: 'unserved@conformance.example' }] }],
      ['contacts', 'POST', '/contacts/sync', { contacts: [{ externalId: 'X-unserved', email: 'unserved@conformance.example' }] }],
      ['companies', 'POST', '/companies', { companies: [{ externalId: 'X-unserved', domain: 'unserved.example.com' }] }],
      ['companies', 'POST', '/companies/sync', { companies: [{ externalId: 'X-unserved', domain: 'unserved.example.com' }] }],
      ['activities', 'POST', '/activities', { type: 'EMAIL', subject: 'not served' }],
    ]
    const unserved = routes.filter(([kind]) => !h.adapter[kind])
    if (unserved.length === 0) return ctx.skip('the adapter serves every kind')
    for (const [kind, method, url, payload] of unserved) {
      const res = await h.send(method, url, payload)
      expect(res.statusCode, `${method} ${url} answers 501 without a ${kind} port (rule: kinds not served, ${kind}): ${res.body}`).toBe(501)
    }
  })
}
