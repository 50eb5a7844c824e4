import { Type } from '@sinclair/typebox'
import type { CallOptions, CreatedActivityLookup, NativeActivityInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, htmlToText } from '../../src/kit/utils.ts'
import type { ActivityBody } from './mapping.ts'
import { page } from './record-schemas.ts'
import { Activity } from './schemas.ts'
import { ACTIVITIES } from './tasks.ts'
import { parseTime, rfc3339 } from './times.ts'

/** How long after a lost create a list surely shows its activity: Pipedrive lists what it holds
 * at once, but may still apply a create it received after the gateway stopped waiting. */
const SETTLE_MS = 60_000
/** v2 lists' largest page, and a bound on pages: 10,000 activities changed since the attempt. */
const PAGE = 500
const MAX_PAGES = 20

const Listed = page(Type.Intersect([Activity, Type.Object({ add_time: Type.String() })]))
type Listed = (typeof Listed)['static']['data'][number]

/**
 * The activities a lost create of a message may have made: the person's activities changed since
 * the attempt (v2's `updated_since`, which a new activity is, and `person_id`, its primary
 * participant, as the v2 reference lists them), added since it (`add_time`, to the second) and
 * holding every field the create wrote (`bodyOf`), as Pipedrive keeps them: done, due at the
 * message's moment to the second, its note read as text, and its own owner and type where the
 * create named none. A match is the create's input under the activity's id, as the create answers.
 */
export function createdPipedriveActivities(
  client: UpstreamClient,
  bodyOf: (input: NativeActivityInput, options: CallOptions) => Promise<ActivityBody>,
): CreatedActivityLookup {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const body = await bodyOf(input, options)
      const since = Math.floor(createdAfter / 1000) * 1000
      const person = body.participants?.[0]?.person_id
      const found: Listed[] = []
      let cursor: string | undefined
      for (let pages = 0; ; pages++) {
        if (pages === MAX_PAGES) {
          throw new UpstreamUnavailableError(`Pipedrive holds more than ${PAGE * MAX_PAGES} activities changed since the message was logged: too many to look through`)
        }
        const query = { updated_since: rfc3339(since), ...(person !== undefined && { person_id: String(person) }), limit: String(PAGE), ...(cursor && { cursor }) }
        const answer = await client.json({ method: 'GET', route: ACTIVITIES, query, options }, Listed)
        found.push(...answer.data.filter((activity) => !activity.is_deleted && (parseTime(activity.add_time) ?? 0) >= since && holds(activity, body)))
        cursor = answer.additional_data?.next_cursor ?? undefined
        if (!cursor) break
      }
      return found.map((activity) => ({ ...input, id: String(activity.id) }))
    },
  }
}

/** Whether `activity` holds what a create of `body` wrote. */
function holds(activity: Listed, body: ActivityBody): boolean {
  const person = activity.person_id ?? activity.participants?.find((p) => p.primary)?.person_id ?? undefined
  return (
    activity.done &&
    activity.subject === body.subject &&
    (body.type === undefined || activity.type === body.type) &&
    (body.owner_id === undefined || activity.owner_id === body.owner_id) &&
    person === body.participants?.[0]?.person_id &&
    (activity.org_id ?? undefined) === body.org_id &&
    due(activity.due_date, activity.due_time) === due(body.due_date, body.due_time) &&
    htmlToText(activity.note ?? '') === htmlToText(body.note ?? '')
  )
}

/** A due date and time (UTC, seconds optional) as one moment. */
function due(date: string | null | undefined, time: string | null | undefined): number | undefined {
  return date ? parseTime(`${date} ${(time || '00:00').padEnd(8, ':00')}`) : undefined
}
