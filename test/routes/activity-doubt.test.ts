import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type AdapterRegistry, builtinAdapters } from '../../adapters/index.ts'
import type { AdapterV2, CreatedActivityLookup } from '../../src/kit/spec.ts'
import type { SeenRequest } from '../conformance/fakes/http-fake.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { LOSING_TIMEOUTS, failFirstCreate, loseFirstCreate } from '../conformance/fakes/lost-answers.ts'
import { PIPEDRIVE_TOKEN, PipedriveFake } from '../../adapters/pipedrive/fake/pipedrive.ts'
import { headers, testApp } from '../helpers/app.ts'
import { sleep } from '../conformance/harness.ts'

const log = (app: FastifyInstance, body: object) => app.inject({ method: 'POST', url: '/activities', headers, payload: body })

/** The built-in adapters, `name`'s activity lookup changed by `change`: the real adapter and
 * lookup, with a window a test can wait out, or none at all. */
function withLookup(name: 'hubspot' | 'pipedrive', change: (lookup: CreatedActivityLookup) => CreatedActivityLookup | undefined): AdapterRegistry {
  return {
    ...builtinAdapters,
    [name]: async () => {
      const definition = await builtinAdapters[name]!()
      return {
        options: definition.options,
        create: (options, ctx) => {
          const adapter = definition.create(options, ctx) as AdapterV2
          const { createdLookup, ...activities } = adapter.activities!
          const lookup = change(createdLookup!)
          return { ...adapter, activities: lookup ? { ...activities, createdLookup: lookup } : activities }
        },
      }
    },
  }
}
const settlingAfter = (name: 'hubspot' | 'pipedrive', settleMs: number) => withLookup(name, (lookup) => ({ ...lookup, settleMs }))

describe('a message whose create answer was lost is never logged twice', () => {
  const apps: FastifyInstance[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
  })
  const gateway = async (connection: Record<string, unknown>, registry: AdapterRegistry = builtinAdapters) => {
    const app = await testApp({ connections: { crm: { ...LOSING_TIMEOUTS, ...connection } }, registry })
    apps.push(app)
    return app
  }

  describe('HubSpot: the resend answers the engagement HubSpot made', () => {
    let fake: HubSpotFake
    beforeAll(async () => {
      fake = await HubSpotFake.start()
    })
    afterAll(async () => {
      expect(fake.violations, 'requests HubSpot would refuse').toEqual([])
      await fake.close()
    })
    const isCreate = (kind: string) => (r: SeenRequest) => r.method === 'POST' && r.path === `/crm/objects/2026-09/${kind}`
    const emailsWith = (subject: string) => [...fake.emails.store.objects.values()].filter((email) => email.properties.hs_email_subject === subject)
    const hubspot = { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN }

    it.each([
      ['without messageIdProperty, found by search; the connection drops after HubSpot took the create', {}, 'reset', 502],
      ['without messageIdProperty, found by search; the answer comes after the headers timeout', {}, 'late', 504],
      ['with messageIdProperty, found by it; the connection drops after HubSpot took the create', { messageIdProperty: 'enginy_message_id' }, 'reset', 502],
    ] as const)('%s', async (_, extra, how, status) => {
      const app = await gateway({ ...hubspot, baseUrl: fake.url, ...extra })
      const subject = `[1/3] lost ${how} ${Object.keys(extra).length}`
      const message = {
        type: 'EMAIL',
        direction: 'OUTBOUND',
        subject,
        body: '<p>Hi Ana</p>',
        occurredAt: '2025-03-02T10:15:00Z',
        ownerId: 'bob@example.com',
        contactId: 'crm.501',
        companyId: 'crm.701',
        metadata: { messageId: `m-${how}-${Object.keys(extra).length}` },
      }
      loseFirstCreate(fake.http, isCreate('emails'), how)
      const first = await log(app, message)
      expect(first.statusCode, first.body).toBe(status)
      expect(emailsWith(subject), 'HubSpot holds the e-mail the first attempt made').toHaveLength(1)

      const again = await log(app, message)
      expect(again.statusCode, again.body).toBe(200)
      const made = emailsWith(subject)
      expect(made, 'exactly one e-mail at HubSpot').toHaveLength(1)
      expect(again.json()).toMatchObject({ id: `crm.${made[0]!.id}`, type: 'EMAIL', direction: 'OUTBOUND', subject, occurredAt: '2025-03-02T10:15:00Z' })
      const creates = fake.http.count('POST', '/crm/objects/2026-09/emails')
      const third = await log(app, message)
      expect(third.json(), 'a third send answers the same activity').toEqual(again.json())
      expect(third.statusCode).toBe(200)
      expect(fake.http.count('POST', '/crm/objects/2026-09/emails'), 'and sends no create').toBe(creates)
    })

    it('a LinkedIn message without a subject: found among communications by its body, contact and time', async () => {
      const app = await gateway({ ...hubspot, baseUrl: fake.url })
      const message = { type: 'LINKEDIN', direction: 'OUTBOUND', body: 'Hi Bo, a lost LinkedIn message', occurredAt: '2025-04-01T08:00:00Z', contactId: 'crm.502', metadata: { messageId: 'm-linkedin' } }
      loseFirstCreate(fake.http, isCreate('communications'), 'reset')
      expect((await log(app, message)).statusCode).toBe(502)
      const again = await log(app, message)
      expect(again.statusCode, again.body).toBe(200)
      const made = [...fake.communications.store.objects.values()].filter((c) => c.properties.hs_communication_body === 'Hi Bo, a lost LinkedIn message')
      expect(made, 'exactly one communication at HubSpot').toHaveLength(1)
      expect(again.json()).toMatchObject({ id: `crm.${made[0]!.id}`, type: 'LINKEDIN', contactId: 'crm.502' })
    })

    it('while search does not show it yet, the resend is a 503 with Retry-After and sends nothing; once it does, the resend answers it', async () => {
      const lagging = await HubSpotFake.start({ searchLagMs: 1500 })
      try {
        const app = await gateway({ ...hubspot, baseUrl: lagging.url })
        const message = { type: 'EMAIL', subject: 'not searchable yet', occurredAt: '2025-03-04T10:00:00Z', contactId: 'crm.501', metadata: { messageId: 'm-lag' } }
        loseFirstCreate(lagging.http, isCreate('emails'), 'reset')
        expect((await log(app, message)).statusCode).toBe(502)
        const early = await log(app, message)
        expect(early.statusCode, early.body).toBe(503)
        expect(early.json()).toMatchObject({ code: 'ACTIVITY_IN_DOUBT', message: expect.stringContaining('body/metadata/messageId') })
        expect(Number(early.headers['retry-after'])).toBeGreaterThan(0)
        expect(lagging.http.count('POST', '/crm/objects/2026-09/emails'), 'the create is not sent again').toBe(1)
        await sleep(1600)
        const later = await log(app, message)
        expect(later.statusCode, later.body).toBe(200)
        expect(lagging.emails.store.objects.size, 'one e-mail at HubSpot').toBe(1)
        expect(later.json().id).toBe(`crm.${[...lagging.emails.store.objects.keys()][0]}`)
        expect(lagging.violations).toEqual([])
      } finally {
        await lagging.close()
      }
    })

    it('a 5xx that made nothing: a 503 within the trust window, then, with nothing found, the message is logged once', async () => {
      const app = await gateway({ ...hubspot, baseUrl: fake.url }, settlingAfter('hubspot', 700))
      const message = { type: 'EMAIL', subject: 'a 502 that made nothing', occurredAt: '2025-03-05T10:00:00Z', metadata: { messageId: 'm-502' } }
      failFirstCreate(fake.http, isCreate('emails'), { status: 502, body: { status: 'error', message: 'Bad gateway', category: 'INTERNAL_ERROR' } })
      expect((await log(app, message)).statusCode).toBe(502)
      const creates = fake.http.count('POST', '/crm/objects/2026-09/emails')
      const early = await log(app, message)
      expect(early.statusCode, early.body).toBe(503)
      expect(early.json()).toMatchObject({ code: 'ACTIVITY_IN_DOUBT', message: expect.stringContaining('does not show it yet') })
      expect(fake.http.count('POST', '/crm/objects/2026-09/emails'), 'nothing is sent within the window').toBe(creates)
      await sleep(800)
      const later = await log(app, message)
      expect(later.statusCode, later.body).toBe(201)
      expect(emailsWith('a 502 that made nothing'), 'logged once').toHaveLength(1)
      expect((await log(app, message)).statusCode, 'and remembered').toBe(200)
      expect(emailsWith('a 502 that made nothing')).toHaveLength(1)
    })

    it('a 4xx is no doubt: the resend sends the create', async () => {
      const app = await gateway({ ...hubspot, baseUrl: fake.url })
      const message = { type: 'EMAIL', subject: 'refused once', metadata: { messageId: 'm-400' } }
      failFirstCreate(fake.http, isCreate('emails'), { status: 400, body: { status: 'error', message: 'bad', category: 'VALIDATION_ERROR' } })
      expect((await log(app, message)).statusCode).toBe(422)
      const again = await log(app, message)
      expect(again.statusCode, again.body).toBe(201)
      expect(emailsWith('refused once')).toHaveLength(1)
    })
  })

  describe('Pipedrive: the resend answers the activity Pipedrive made, found among the person’s changed activities', () => {
    let fake: PipedriveFake
    beforeAll(async () => {
      fake = await PipedriveFake.start()
    })
    afterAll(async () => {
      expect(fake.violations, 'requests Pipedrive would refuse').toEqual([])
      await fake.close()
    })
    const pipedrive = { adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN }
    const activitiesWith = (subject: string) => [...fake.activities.values()].filter((activity) => activity.subject === subject)

    it.each(['reset', 'late'] as const)('the answer is lost (%s) after Pipedrive took the create', async (how) => {
      const app = await gateway({ ...pipedrive, baseUrl: fake.url })
      const subject = `[2/3] lost on Pipedrive ${how}`
      const message = {
        type: 'EMAIL',
        direction: 'OUTBOUND',
        subject,
        body: '<p>Hi Ana, 5 &lt; 6</p>',
        occurredAt: '2025-03-02T10:15:30+01:00',
        ownerId: 'crm.1002',
        contactId: 'crm.31',
        companyId: 'crm.41',
        metadata: { messageId: `pd-${how}` },
      }
      loseFirstCreate(fake.http, (r) => r.method === 'POST' && r.path === '/api/v2/activities', how)
      const first = await log(app, message)
      expect(first.statusCode, first.body).toBe(how === 'reset' ? 502 : 504)
      const again = await log(app, message)
      expect(again.statusCode, again.body).toBe(200)
      const made = activitiesWith(subject)
      expect(made, 'exactly one activity at Pipedrive').toHaveLength(1)
      expect(again.json()).toMatchObject({ id: `crm.${made[0]!.id}`, subject, occurredAt: '2025-03-02T09:15:30Z', contactId: 'crm.31', companyId: 'crm.41' })
      const sent = fake.http.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/activities' && (r.body as { subject?: string }).subject === subject)
      expect(sent, 'one create was sent').toHaveLength(1)
    })

    it('a 5xx that made nothing: a 503 within the trust window, then the message is logged once', async () => {
      const app = await gateway({ ...pipedrive, baseUrl: fake.url }, settlingAfter('pipedrive', 700))
      const message = { type: 'LINKEDIN', subject: 'pipedrive 502', contactId: 'crm.31', metadata: { messageId: 'pd-502' } }
      failFirstCreate(fake.http, (r) => r.method === 'POST' && r.path === '/api/v2/activities', { status: 502, body: { success: false, error: 'Bad gateway' } })
      expect((await log(app, message)).statusCode).toBe(502)
      const early = await log(app, message)
      expect(early.statusCode, early.body).toBe(503)
      expect(Number(early.headers['retry-after'])).toBeGreaterThan(0)
      await sleep(800)
      expect((await log(app, message)).statusCode).toBe(201)
      expect(activitiesWith('pipedrive 502'), 'logged once').toHaveLength(1)
    })
  })

  describe('an adapter without an activity lookup', () => {
    let fake: PipedriveFake
    beforeAll(async () => {
      fake = await PipedriveFake.start()
    })
    afterAll(async () => {
      await fake.close()
    })

    it('answers 503 ACTIVITY_IN_DOUBT with Retry-After, and never sends the create again', async () => {
      const app = await gateway({ adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url }, withLookup('pipedrive', () => undefined))
      loseFirstCreate(fake.http, (r) => r.method === 'POST' && r.path === '/api/v2/activities', 'reset')
      const message = { type: 'EMAIL', subject: 'unsearchable', metadata: { messageId: 'unsearchable-1' } }
      expect((await log(app, message)).statusCode).toBe(502)
      for (let i = 0; i < 2; i++) {
        const again = await log(app, message)
        expect(again.statusCode, again.body).toBe(503)
        expect(again.json()).toMatchObject({ code: 'ACTIVITY_IN_DOUBT', message: expect.stringContaining('cannot be searched') })
        expect(Number(again.headers['retry-after'])).toBeGreaterThan(0)
      }
      expect(fake.http.count('POST', '/api/v2/activities'), 'one create reached the CRM').toBe(1)
    })
  })
})
