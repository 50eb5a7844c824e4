import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { USERS_BUG } from './fixtures/memory-variants.ts'

const run = promisify(execFile)

interface Result {
  ancestorTitles: string[]
  title: string
  status: string
  failureMessages: string[]
}
interface Report {
  testResults: { assertionResults: Result[] }[]
}

/** Beginnings of the suite's check titles. */
const CHECK = {
  create: 'create: every field comes back',
  roundTrip: 'round trip:',
  notFound: 'not found: unknown and malformed ids are 404',
  update: 'update: writable fields change',
  batchGet: 'batch get: 2.5 times the declared batch size',
  batchComplete: 'batch complete: 2.5 times the declared batch size',
  unsupportedTask: 'unsupported task fields:',
  sameEmail: 'contacts export: the same email in any form',
  contactsSync: 'contacts sync:',
  contactsMerge: 'contacts update: fields change, a field left out stays',
  contactsExtra: 'contacts extra fields:',
  contactsUnsupported: 'contacts unsupported fields:',
  contactsLinks: 'contacts links:',
  companiesUnsupported: 'companies unsupported fields:',
  sameDomain: 'companies export: the same domain in any form',
  companiesSync: 'companies sync:',
  associations: 'associations:',
  activities: 'activities: 201 with an id',
  lostActivities: 'activities: lost creates:',
  users: 'users: GET /users',
  referencePort: 'references: the port names',
  referenceWrites: 'references: a task or an activity',
  unserved: 'kinds without a port:',
  target: 'target: one missing id per kind',
  down: 'upstream failures: a CRM that is down',
  rateLimited: 'upstream failures: a CRM that rate-limits',
  contactsLost: 'contacts lost creates: an export whose answer was lost',
  contactsPage: 'contacts sync: more contacts than one page',
  contactsMapped: "contacts fieldMap'd extra fields:",
  activityLinks: 'activities: the contact and company an activity names',
} as const

/**
 * Each broken adapter (`fixtures/*.check.ts`): the checks it must fail, each with a phrase its
 * failure message must hold (the rule, and the field), and the other checks it may fail as a
 * consequence of the same fault. Every other check must pass or skip: a fault fails its rule only.
 */
const BROKEN: Record<string, { fails: [string, string][]; alsoFails?: string[] }> = {
  'drops dueDate': { fails: [[CHECK.create, "create returns dueDate as sent (rule: the task's fields)"]], alsoFails: [CHECK.roundTrip] },
  'errors on missing ids': { fails: [[CHECK.batchGet, 'missing ids are left out, never an error']], alsoFails: [CHECK.notFound] },
  'an edit clears completedAt': { fails: [[CHECK.update, 'an edit after completion keeps completedAt (rule: completion, completedAt)']] },
  'serves 100 ids of a batch of 1000': {
    fails: [
      [CHECK.batchGet, 'existing ids once each, in request order (rule: batch get)'],
      [CHECK.batchComplete, 'the existing ids, in request order (rule: batch complete)'],
    ],
  },
  'answers a field it declares unsupported': {
    fails: [[CHECK.unsupportedTask, 'create leaves description out of the task (rule: unsupported task fields, description)']],
    alsoFails: [CHECK.create],
  },
  'matches e-mails case-sensitively': {
    fails: [
      [CHECK.sameEmail, '(rule: never a second contact, email)'],
      [CHECK.contactsSync, '(rule: match order, email)'],
    ],
  },
  'an update drops the fields left out': { fails: [[CHECK.contactsMerge, 'a field left out of an update stays (rule: update merges, firstName)']] },
  'loses the extra fields it claims to keep': {
    fails: [[CHECK.contactsExtra, 'an extra field comes back in sync properties (rule: extra fields kept, campaignSequenceStatus)']],
  },
  'declares a domain lookup it cannot do': {
    fails: [
      [CHECK.sameDomain, '(rule: never a second company, domain)'],
      [CHECK.companiesSync, '(rule: match order, domain)'],
    ],
  },
  'links every contact to the same page': { fails: [[CHECK.contactsLinks, "a link names its record: the native id is in the URL (rule: links, the record's id)"]] },
  'logs duplicate activities': {
    fails: [[CHECK.activities, 'the same metadata.messageId again answers 200: logged once (rule: activities, messageId)']],
    // Its lookup by message id finds nothing: the activity cannot be read back either.
    alsoFails: [CHECK.activityLinks],
  },
  'finds activities a lost create did not make': {
    fails: [[CHECK.lostActivities, 'the lookup finds the activity of the create, once (rule: lost activities)']],
    alsoFails: [CHECK.activityLinks],
  },
  // The core sends a pair a request repeats once, so the adapter's fault shows when a later request links the pair again.
  'counts a repeated pair again': { fails: [[CHECK.associations, 'linking pairs again creates none: created 0 (rule: associations, a repeated pair)']] },
  'lists users without names': { fails: [[CHECK.users, 'each user has a name (rule: users, name)']] },
  'turns a rate-limited search into no match': {
    fails: [[CHECK.rateLimited, 'a sync of contacts while the CRM rate-limits answers 503, never 200 (rule: upstream failures, rate-limited, sync)']],
  },
  'creates again after a lost answer': { fails: [[CHECK.contactsLost, 'the one answered (rule: lost creates, never a second contact)']] },
  'labels batch reads by position': {
    fails: [
      [CHECK.batchGet, 'with its own fields, whatever order the CRM answers in (rule: batch get, fields)'],
      [CHECK.contactsPage, 'with its own crmId, the one its export answered (rule: sync, batch read, crmId)'],
    ],
  },
  'lists the first page whatever it is asked': {
    fails: [[CHECK.contactsPage, 'answers each asked for, once, in request order (rule: sync, batch read)']],
    // Every lookup answers the first page: reads after an update, counts, and reads during a
    // failure (which never reach the CRM) go wrong too.
    alsoFails: [CHECK.contactsMerge, CHECK.contactsExtra, CHECK.contactsLost, CHECK.down, CHECK.rateLimited],
  },
  'drops the extra fields fieldMap names': {
    fails: [[CHECK.contactsMapped, 'an extra field fieldMap names comes back in sync properties as written (rule: extra fields, fieldMap, campaignOpens)']],
  },
  'echoes activity references it does not store': {
    fails: [[CHECK.activityLinks, 'is linked to the contact named (rule: activities, contactId resolves)']],
  },
  // The failure shows the cause of the 500 from the gateway's log, not a bare INTERNAL.
  'throws a plain error listing users': { fails: [[CHECK.users, USERS_BUG]] },
  'names a malformed missing task id': {
    fails: [[CHECK.target, `the target's missingNativeId "not a memory id" is not of the tasks port's form (its isNativeId) (rule: target, missingNativeId)`]],
    // Every check that needs the missing task id fails, saying why, rather than passing untested.
    alsoFails: [CHECK.notFound, CHECK.batchGet, CHECK.batchComplete],
  },
  'finds every reference': {
    fails: [
      [CHECK.referencePort, 'a contact that does not exist is named, one that exists is not (rule: references, contacts)'],
      [CHECK.referenceWrites, 'a task naming a missing record as contactId answers 422 (rule: references, contactId)'],
    ],
  },
}

/** Each right adapter: no check fails, these pass (the branch for what it declares), these skip. */
const RIGHT: Record<string, { passes: string[]; skips?: string[] }> = {
  'no task type or description': { passes: [CHECK.create, CHECK.roundTrip, CHECK.update, CHECK.unsupportedTask] },
  'keeps no extra fields, no phone, no company LinkedIn URL': {
    passes: [CHECK.contactsExtra, 'companies extra fields:', CHECK.contactsUnsupported, CHECK.companiesUnsupported, CHECK.contactsMerge, CHECK.companiesSync],
  },
  'serves tasks only': {
    passes: [CHECK.create, CHECK.batchGet, CHECK.users, CHECK.unserved],
    skips: ['contacts ', 'contacts:', 'companies ', 'companies:', CHECK.associations, 'activities:', 'references:'],
  },
  'serves no tasks': {
    passes: [CHECK.contactsSync, CHECK.sameDomain, CHECK.associations, CHECK.activities, CHECK.referencePort, CHECK.referenceWrites, CHECK.users, CHECK.unserved],
    skips: [CHECK.create, CHECK.update, CHECK.batchGet, CHECK.batchComplete, 'contacts: a crmId works as a task', 'companies: a crmId works as a task'],
  },
}

/** The test kit is tested too: deliberately broken adapters must fail it, naming rule and field. */
describe('the conformance suite', () => {
  let results: Result[] = []
  let code: number
  beforeAll(async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'conformance-')), 'report.json')
    code = await run(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/conformance/fixtures/vitest.config.ts', '--reporter=json', `--outputFile=${output}`],
      { timeout: 120_000 },
    ).then(
      () => 0,
      (error: { code: number }) => error.code,
    )
    results = (JSON.parse(readFileSync(output, 'utf8')) as Report).testResults.flatMap((file) => file.assertionResults)
  }, 150_000)

  const of = (adapter: string) => results.filter((r) => r.ancestorTitles.includes(`adapter conformance: ${adapter}`))
  const titled = (among: Result[], start: string) => among.filter((r) => r.title.startsWith(start))

  it('fails an adapter registered without targets in its folder, naming the rule', () => {
    const ran = of('no-target')
    expect(ran.map((r) => [r.title, r.status]), 'the registry runs a check for the adapter, which fails').toEqual([['declares its targets in its own folder (conformance.ts)', 'failed']])
    expect(ran[0]!.failureMessages.join('\n')).toContain('adapters/no-target/conformance.ts exports no targets: every registered adapter runs the conformance suite (rule: registry, conformance.ts)')
  })

  it('shows, with a failing check, what the gateway logged while it ran', () => {
    const [failed] = titled(of('throws a plain error listing users'), CHECK.users)
    expect(failed?.failureMessages.join('\n')).toMatch(/The gateway logged while the check ran[\s\S]*the users table is missing/)
  })

  it('runs every fixture, and fails because of the broken ones', () => {
    expect(code, 'the broken adapters must fail the suite').toBe(1)
    for (const adapter of [...Object.keys(BROKEN), ...Object.keys(RIGHT)]) expect(of(adapter).length, `the suite ran for ${adapter}`).toBeGreaterThan(20)
  })

  it.each(Object.entries(BROKEN))('fails %s with a message that names the rule and the field, and fails nothing else', (adapter, { fails, alsoFails = [] }) => {
    const ran = of(adapter)
    for (const [check, phrase] of fails) {
      const failed = titled(ran, check).filter((r) => r.status === 'failed')
      expect(failed.length, `${adapter} fails "${check}…"`).toBe(1)
      expect(failed.flatMap((r) => r.failureMessages).join('\n'), `the failure of "${check}…" names the rule`).toContain(phrase)
    }
    const allowed = [...fails.map(([check]) => check), ...alsoFails]
    const others = ran.filter((r) => r.status === 'failed' && !allowed.some((check) => r.title.startsWith(check)))
    expect(others.map((r) => r.title), `${adapter} fails only the checks of the rule it breaks`).toEqual([])
    expect(ran.filter((r) => r.status === 'passed').length, 'the checks the broken part does not touch still pass').toBeGreaterThan(10)
  })

  it.each(Object.entries(RIGHT))('passes %s, branching on what it declares, and skips what it cannot run', (adapter, { passes, skips = [] }) => {
    const ran = of(adapter)
    expect(
      ran.filter((r) => r.status === 'failed').map((r) => `${r.title}: ${r.failureMessages.join('\n').slice(0, 500)}`),
      `${adapter} is right: no check fails`,
    ).toEqual([])
    for (const check of passes) {
      const matched = titled(ran, check)
      expect(matched.length, `there is a check "${check}…"`).toBeGreaterThan(0)
      for (const r of matched) expect(r.status, `${adapter}: "${r.title}" runs and passes`).toBe('passed')
    }
    for (const check of skips) {
      const matched = titled(ran, check)
      expect(matched.length, `there is a check "${check}…"`).toBeGreaterThan(0)
      for (const r of matched) expect(r.status, `${adapter}: "${r.title}" is skipped, not passed`).toBe('skipped')
    }
  })
})
