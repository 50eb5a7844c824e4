import { type Static, Type } from '@sinclair/typebox'
import type { ActivityKind, ActivityPort, CallOptions, NativeActivityInput, UpstreamClient } from '../../src/kit/spec.ts'
import { htmlToText, isSafeIntegerId, textToHtml } from '../../src/kit/utils.ts'
import type { ActivityTypeList } from './activity-types.ts'
import { createdPipedriveActivities } from './created-activities.ts'
import type { ActivityBody } from './mapping.ts'
import { integerId } from './references.ts'
import { OneActivity } from './schemas.ts'
import { ACTIVITIES } from './tasks.ts'
import { dueParts } from './times.ts'

/** Pipedrive's activity type (`key_string`) for each of Enginy's kinds, from the connection. */
export const ActivityTypeOptions = Type.Object(
  {
    EMAIL: Type.Optional(Type.String({ minLength: 1 })),
    LINKEDIN: Type.Optional(Type.String({ minLength: 1 })),
    LINKEDIN_CONNECTION: Type.Optional(Type.String({ minLength: 1 })),
    LINKEDIN_INMAIL: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, default: {}, description: "Pipedrive activity types (key_string) of Enginy's kinds; default email for EMAIL, task for the others" },
)
export type ActivityTypeOptions = Static<typeof ActivityTypeOptions>

/** Pipedrive has built-in `email` and `task` types; LinkedIn kinds need a type the customer adds. */
const BUILT_IN: Record<string, string> = { EMAIL: 'email' }
const FALLBACK = 'task'
const SUBJECTS: Record<ActivityKind, string> = {
  EMAIL: 'E-mail',
  LINKEDIN: 'LinkedIn message',
  LINKEDIN_CONNECTION: 'LinkedIn connection request',
  LINKEDIN_INMAIL: 'LinkedIn InMail',
}
/** Tags of an e-mail's HTML body, as opposed to text that merely has a `<` in it. */
const HTML = /<\/?[a-z][a-z0-9]*[\s/>]/i

/**
 * Each Enginy message as a Pipedrive activity (API v2), done, dated at `occurredAt`, with the
 * message in `note`, the person as the primary participant (the live API refuses `person_id` on
 * writes since mid-2026, though the published v2 file still lists it) and the organization.
 *
 * There is no `doFindByMessageId`: v2 activities take no custom fields (the v2 file's activity
 * body has none), and activities are not searchable (`/itemSearch` covers deals, persons,
 * organizations, products, leads, files and projects). Finding a message again would take a list
 * of the person's activities (10 tokens) before every log, doubling its cost (a create is 5). The
 * core instead keeps the ids, in Redis when replicas share it, for 30 days, and only a create
 * whose answer was lost is looked for, in that list (`created-activities.ts`).
 */
export function createActivities(client: UpstreamClient, types: ActivityTypeList, configured: ActivityTypeOptions): ActivityPort {
  const typeOf = async (kind: string, options: CallOptions): Promise<string | undefined> => {
    const wanted = configured[kind as ActivityKind] ?? BUILT_IN[kind] ?? FALLBACK
    if (await types.has(wanted, options)) return wanted
    const fallback = wanted !== FALLBACK && (await types.has(FALLBACK, options)) ? FALLBACK : undefined
    options.warn({
      type: 'unsupported',
      field: 'type',
      message: `Pipedrive has no active activity type "${wanted}" for ${kind.slice(0, 64)}; logged as ${fallback ?? "the account's default type"}`,
    })
    return fallback
  }

  /** What a create of `input` writes. */
  const bodyOf = async (input: NativeActivityInput, options: CallOptions): Promise<ActivityBody> => {
    const body: ActivityBody = {
      subject: input.subject ?? SUBJECTS[input.type as ActivityKind] ?? input.type,
      // Logged as done at the moment it happened; Pipedrive stamps `marked_as_done_time` itself.
      done: true,
      ...dueParts(input.occurredAt),
    }
    const type = await typeOf(input.type, options)
    if (type !== undefined) body.type = type
    if (input.body !== undefined) {
      // Escaped as task descriptions are, so markup in a message never becomes Pipedrive's; an
      // HTML e-mail is first turned into its text, so the note reads as the message did.
      body.note = textToHtml(HTML.test(input.body) ? htmlToText(input.body) : input.body)
    }
    if (input.ownerId !== undefined) body.owner_id = integerId('ownerId', input.ownerId)
    if (input.contactId !== undefined) body.participants = [{ person_id: integerId('contactId', input.contactId), primary: true }]
    if (input.companyId !== undefined) body.org_id = integerId('companyId', input.companyId)
    return body
  }

  return {
    isNativeId: isSafeIntegerId,

    async doCreate(input, options) {
      const body = await bodyOf(input, options)
      const answer = await client.json({ method: 'POST', route: ACTIVITIES, body, options }, OneActivity)
      return { ...input, id: String(answer.data.id) }
    },

    createdLookup: createdPipedriveActivities(client, bodyOf),
  }
}
