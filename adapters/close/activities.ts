import type { Static } from '@sinclair/typebox'
import type { ActivityPort, CallOptions, NativeActivityInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../src/kit/utils.ts'
import { type ActivityWrite, fromActivity, holds, toActivity } from './activity-mapping.ts'
import type { ContactCalls } from './contacts.ts'
import { contactOnLead } from './elsewhere.ts'
import { closeIds } from './ids.ts'
import { Email, Note, list } from './schemas.ts'
import { closeMoment } from './times.ts'

const ROUTES = { note: '/api/v1/activity/note/', email: '/api/v1/activity/email/' } as const
const SCHEMAS = { note: Note, email: Email } as const
/** How long after a lost create a list surely shows its activity (as for tasks). */
const SETTLE_MS = 30_000
const PAGE = 100
const MAX_PAGES = 20

/**
 * Enginy's messages as Close activities (`activity-mapping.ts`). A note or an e-mail is kept on a
 * lead: the company named, else the contact's lead, as an answer of the last minutes showed it, or
 * read with the contact (one call, which also gives a reply's sender). One naming neither cannot
 * be kept: `needsRecord`, and the core answers it a 422 naming `contactId` before any call. Close
 * holds no unique message id, so the core's message log keeps each message from being logged
 * twice, and a message whose create ended in doubt is found by a list of the lead's activities
 * made since the attempt.
 */
export function createActivities(client: UpstreamClient, contacts: ContactCalls): ActivityPort {
  /** What a create of `input` writes; with `recent`, to the lead an answer of the last minutes
   * showed its contact on (`recalled`), where nothing else needs the contact read. */
  const plan = async (input: NativeActivityInput, options: CallOptions, recent = false): Promise<ActivityWrite & { recalled?: boolean }> => {
    const reply = input.type === 'EMAIL' && input.direction === 'INBOUND'
    const last = recent && !reply && input.companyId === undefined && input.contactId !== undefined ? contacts.lastLead(input.contactId) : undefined
    if (last !== undefined) return { ...toActivity(input, last, undefined), recalled: true }
    const needsContact = input.contactId !== undefined && (input.companyId === undefined || reply)
    const contact = needsContact ? await contacts.get(input.contactId!, options) : undefined
    if (contact === null) throw new UpstreamRejectedError(`body/contactId: Close holds no contact ${input.contactId}`)
    const lead = input.companyId ?? contact?.lead_id
    // Unreachable through the core (needsRecord), and kept so a lead is always named.
    if (lead === undefined) throw new UpstreamRejectedError('body/contactId: Close keeps every activity on a lead: name a contact or a company')
    return toActivity(input, lead, contact?.emails?.[0]?.email ?? undefined)
  }
  const create = async (input: NativeActivityInput, options: CallOptions, recent: boolean): Promise<Static<typeof Note> | Static<typeof Email>> => {
    const write = await plan(input, options, recent)
    return contactOnLead(
      () => client.json({ method: 'POST', route: ROUTES[write.path], body: write.body, options }, SCHEMAS[write.path]),
      write.recalled ? () => create(input, options, false) : undefined,
    )
  }

  return {
    isNativeId: closeIds('activity'),
    needsRecord: true,
    async doCreate(input, options) {
      return fromActivity(await create(input, options, true), input)
    },
    createdLookup: {
      settleMs: SETTLE_MS,
      async doFind({ input, createdAfter }, options) {
        const write = await plan(input, options)
        const Page = list(SCHEMAS[write.path])
        const since = closeMoment(Math.floor(createdAfter / 1000) * 1000)
        const found = []
        for (let pages = 0; ; pages++) {
          if (pages === MAX_PAGES) throw new UpstreamUnavailableError(`Close holds more than ${PAGE * MAX_PAGES} activities made on this lead since the message: too many to look through`)
          const query = { lead_id: write.body.lead_id as string, date_created__gte: since, _limit: String(PAGE), _skip: String(pages * PAGE) }
          const page = await client.json({ method: 'GET', route: ROUTES[write.path], query, options }, Page)
          found.push(...page.data.filter((activity) => holds(activity, write)))
          if (!page.has_more) break
        }
        return found.map((activity) => fromActivity(activity, input))
      },
    },
  }
}
