import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { PIPEDRIVE_FIELDS, PIPEDRIVE_TOKEN, PipedriveFake } from './fake/pipedrive.ts'
import { headers, refusedPort, sweepMirror, testApp, waitFor } from '../../src/kit/testing.ts'

/**
 * Pipedrive's webhooks v2 feeding a connection's mirror, over real sockets: the fake delivers each
 * create, change and delete of persons to the gateway's route with the HTTP Basic credentials of
 * the subscription, retries what fails, can lose events (an outage) or send them out of order.
 */
const HOUR = 3_600_000
const opened: { app: FastifyInstance; fake: PipedriveFake }[] = []
afterEach(async () => {
  for (const { app, fake } of opened.splice(0)) {
    await app.close()
    await fake.close()
  }
})

async function setUp(fake?: PipedriveFake, at?: number) {
  const crm = fake ?? (await PipedriveFake.start())
  const port = at ?? (await refusedPort())
  const app = await testApp({
    connections: {
      pipedrive: {
        adapter: 'pipedrive',
        apiToken: PIPEDRIVE_TOKEN,
        baseUrl: crm.url,
        webhookBaseUrl: `http://127.0.0.1:${port}`,
        fieldMap: { contacts: { linkedinUrl: PIPEDRIVE_FIELDS.personLinkedin } },
        mirror: { pollMs: HOUR, maxStalenessMs: 2 * HOUR },
      },
    },
  })
  await app.listen({ port, host: '127.0.0.1' })
  opened.push({ app, fake: crm })
  const sweep = () => sweepMirror(app, 'pipedrive')
  await sweep()
  const sync = async (email: string) => {
    const res = await app.inject({ method: 'POST', url: '/contacts/sync', headers, payload: { contacts: [{ externalId: 'E-1', email }] } })
    return (res.json() as { results: { crmId: string; properties: Record<string, unknown> }[] }).results
  }
  return { fake: crm, app, sweep, sync, port }
}

describe("Pipedrive's webhooks and the mirror", () => {
  it('subscribes each object once, with the credentials the gateway checks, and not again after a restart', async () => {
    const { fake, app, port } = await setUp()
    const hooks = [...fake.webhooks.subscriptions.values()]
    expect(hooks.map((hook) => hook.event_object).sort()).toEqual(['activity', 'organization', 'person'])
    expect(hooks.every((hook) => hook.event_action === '*' && hook.version === '2.0' && hook.http_auth_user?.startsWith('enginy-'))).toBe(true)
    await app.close()
    opened.pop()
    await setUp(fake, port)
    expect(fake.webhooks.subscriptions.size).toBe(3)
    expect(fake.violations).toEqual([])
  })

  it('sees a change made in Pipedrive as soon as its event arrives, before any sweep', async () => {
    const { fake, sync } = await setUp()
    const person = fake.persons.insert({ name: 'Ana Ruiz', emails: [{ value: 'ana@acme.example', primary: true }] })
    await waitFor(async () => (await sync('ana@acme.example')).length === 1)
    fake.persons.change(person, { emails: [{ value: 'ana@globex.example', primary: true }] })
    await waitFor(async () => (await sync('ana@globex.example')).length === 1)
    expect(await sync('ana@acme.example')).toEqual([])
    fake.resetCounts()
    await sync('ana@globex.example')
    expect(fake.http.requests).toHaveLength(0)
  })

  it('applies a merge: the person merged away is gone, the one kept stays', async () => {
    const { fake, sync } = await setUp()
    const kept = fake.persons.insert({ name: 'Bo', emails: [{ value: 'bo@acme.example', primary: true }] })
    const gone = fake.persons.insert({ name: 'Bo twin', emails: [{ value: 'bo.twin@acme.example', primary: true }] })
    await waitFor(async () => (await sync('bo.twin@acme.example')).length === 1)
    fake.mergePersons(gone.id, kept.id)
    // The one kept holds the other's address as a second one: matching reads a person's primary.
    await waitFor(async () => (await sync('bo.twin@acme.example')).length === 0)
    expect((await sync('bo@acme.example'))[0]?.crmId).toBe(`pipedrive.${kept.id}`)
  })

  it('keeps the newer of two events that arrive out of order', async () => {
    const { fake, sync } = await setUp()
    const person = fake.persons.insert({ name: 'Cy', emails: [{ value: 'cy@acme.example', primary: true }] })
    await waitFor(async () => (await sync('cy@acme.example')).length === 1)
    fake.webhooks.hold()
    fake.persons.change(person, { name: 'Cy Older' })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    fake.persons.change(person, { name: 'Cy Newer' })
    await fake.webhooks.release()
    expect((await sync('cy@acme.example'))[0]?.properties).toMatchObject({ firstName: 'Cy', lastName: 'Newer' })
  })

  it('repairs what an outage of deliveries lost at the next sweep', async () => {
    const { fake, sweep, sync } = await setUp()
    fake.webhooks.down = true
    fake.persons.insert({ name: 'Di', emails: [{ value: 'di@acme.example', primary: true }] })
    expect(await sync('di@acme.example')).toEqual([])
    fake.webhooks.down = false
    await sweep()
    expect(await sync('di@acme.example')).toHaveLength(1)
  })
})
