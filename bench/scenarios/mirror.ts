import type { FastifyInstance } from 'fastify'
import { builtinAdapters } from '../../adapters/index.ts'
import { buildApp } from '../../src/app.ts'
import { resolveConfig } from '../../src/config/load.ts'
import { createLogger } from '../../src/logger.ts'
import type { Mirror } from '../../src/mirror/mirror.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { PIPEDRIVE_FIELDS, PIPEDRIVE_TOKEN, PipedriveFake } from '../../adapters/pipedrive/fake/pipedrive.ts'
import { KEY, table } from '../lib/helpers.ts'

/** A mirror swept by the scenario itself: the timer's period is an hour. */
const MIRROR = { pollMs: 3_600_000, maxStalenessMs: 7_200_000 }
const HOUR_AGO = new Date(Date.now() - 3_600_000)
const headers = { 'x-api-key': KEY, 'content-type': 'application/json' }

async function gateway(connection: Record<string, unknown>): Promise<{ app: FastifyInstance; sweep: () => Promise<void> }> {
  const config = await resolveConfig({ auth: { apiKeys: [KEY] }, health: { intervalMs: 0 }, connections: { crm: connection }, active: 'crm' }, {}, builtinAdapters)
  const app = await buildApp({ config, logger: createLogger('silent') })
  const mirror = app.gateway.current.runtime.connections.get('crm')!.mirror as Mirror | undefined
  const sweep = async () => mirror?.sweeper.sweep()
  await sweep()
  return { app, sweep }
}

async function post(app: FastifyInstance, url: string, payload: object) {
  const started = performance.now()
  const res = await app.inject({ method: 'POST', url, headers, payload })
  const body = res.json() as { results?: unknown[] } | unknown[]
  const count = Array.isArray(body) ? body.length : (body.results?.length ?? 0)
  return { status: res.statusCode, count, ms: performance.now() - started }
}

/**
 * The mirror: calls and tokens per poll, export and sync, with and without it, in one run, on
 * the fakes at the CRMs' published limits; and the calls a day it saves for 1,000 and 10,000 tasks
 * polled every minute.
 */
export async function mirror(): Promise<string> {
  const hubspot = await HubSpotFake.start({ perWindow: 190, windowMs: 10_000 })
  const ids = hubspot.seed(1000, 60_000_000_000, HOUR_AGO).map((id) => `crm.${id}`)
  const polls: (string | number)[][] = []
  let perSweep = 0
  for (const mirrored of [false, true]) {
    const { app, sweep } = await gateway({ adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: hubspot.url, ...(mirrored && { mirror: MIRROR }) })
    hubspot.http.reset()
    for (let poll = 0; poll < 10; poll++) {
      await sweep()
      await post(app, '/tasks/batch', { ids })
    }
    const calls = hubspot.http.requests.length
    const searches = hubspot.http.count('POST', /\/search$/)
    if (mirrored) perSweep = searches / 10
    polls.push([mirrored ? 'with the mirror (a sweep before each poll)' : 'without', calls, searches, calls - searches, (calls / 10).toFixed(1)])
    await app.close()
  }
  await hubspot.close()
  const perPoll = Number(polls[0]![4])
  const day = 1440
  const sweepsPerDay = (pollMs: number) => (86_400_000 / pollMs) * perSweep
  const daily = [1000, 10_000].map((tasks) => [
    `${tasks.toLocaleString('en')} tasks`,
    (perPoll * (tasks / 1000) * day).toLocaleString('en'),
    sweepsPerDay(30_000).toLocaleString('en'),
    sweepsPerDay(60_000).toLocaleString('en'),
    (perPoll * (tasks / 1000) * day - sweepsPerDay(30_000)).toLocaleString('en'),
  ])

  const pipedrive = await PipedriveFake.start({ burst: 20, windowMs: 2000, searchBurst: 10, searchWindowMs: 2000 })
  for (let i = 0; i < 5000; i++) pipedrive.persons.insert({ name: `Known ${i}`, emails: [{ value: `known${i}@acme.example`, primary: true }] }, HOUR_AGO.toISOString().replace(/\.\d{3}Z$/, 'Z'))
  for (let i = 0; i < 1000; i++) pipedrive.orgs.insert({ name: `Company ${i}`, custom_fields: { [PIPEDRIVE_FIELDS.orgDomain]: `company${i}.example` } })
  const records: (string | number)[][] = []
  let build = ''
  for (const mirrored of [true, false]) {
    pipedrive.resetCounts()
    const started = performance.now()
    const { app } = await gateway({
      adapter: 'pipedrive',
      apiToken: PIPEDRIVE_TOKEN,
      baseUrl: pipedrive.url,
      rateLimit: { requests: 20, intervalMs: 2000 },
      fieldMap: { contacts: { linkedinUrl: PIPEDRIVE_FIELDS.personLinkedin }, companies: { domain: PIPEDRIVE_FIELDS.orgDomain } },
      ...(mirrored && { mirror: MIRROR }),
    })
    if (mirrored) build = `${pipedrive.http.requests.length} calls, ${pipedrive.tokens} tokens, ${((performance.now() - started) / 1000).toFixed(1)} s`
    const name = mirrored ? 'with the mirror' : 'without'
    const measure = async (what: string, url: string, payload: object) => {
      await new Promise((resolve) => setTimeout(resolve, 2100))
      pipedrive.resetCounts()
      const answer = await post(app, url, payload)
      const searches = pipedrive.http.count('GET', /\/search$/)
      records.push([what, name, `${answer.status}, ${answer.count} results`, pipedrive.http.requests.length, searches, pipedrive.tokens, `${(answer.ms / 1000).toFixed(1)} s`])
    }
    const tag = mirrored ? 'm' : 'p'
    await measure('sync of 100 contacts, half known', '/contacts/sync', {
      contacts: Array.from({ length: 100 }, (_, i) => ({ externalId: `S-${i}`, email: i % 2 === 0 ? `known${i}@acme.example` : `stranger-${tag}${i}@acme.example` })),
    })
    await measure('export of 100 new contacts', '/contacts', {
      contacts: Array.from({ length: 100 }, (_, i) => ({ externalId: `N-${tag}${i}`, email: `new-${tag}${i}@globex.example`, firstName: `New${i}`, lastName: 'Lead' })),
    })
    await app.close()
  }
  await pipedrive.close()

  return [
    '### Mirror',
    '',
    'HubSpot, 1,000 tasks (made an hour ago), ten `POST /tasks/batch` polls of all of them; with the mirror, a sweep of tasks, contacts and companies before each poll:',
    '',
    table(['', 'calls', 'searches', 'other calls', 'calls per poll'], polls),
    '',
    `Calls a day for polls every minute, without the mirror and with it (its sweeps, ${perSweep} searches each while nothing changes):`,
    '',
    table(['polled', 'without', 'with, pollMs 30000', 'with, pollMs 60000', 'saved (pollMs 30000)'], daily),
    '',
    `Pipedrive at its limits (20 calls per 2 s, search 10 per 2 s), an account of 5,000 persons and 1,000 organizations; the mirror's build: ${build}.`,
    '',
    table(['request', '', 'answer', 'calls', 'searches', 'tokens', 'time'], records),
  ].join('\n')
}
