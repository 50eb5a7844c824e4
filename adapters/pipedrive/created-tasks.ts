import { Type } from '@sinclair/typebox'
import type { CallOptions, CreatedTaskLookup, NativeTaskInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, isCreatedFrom } from '../../src/kit/utils.ts'
import type { ActivityTypeList } from './activity-types.ts'
import { fromActivity } from './mapping.ts'
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

/**
 * The activities a lost create may have made: those changed since the attempt (v2's
 * `updated_since`, which a new activity is), added since it (`add_time`, to the second) and holding
 * every field the create wrote, as Pipedrive keeps them: its due time to the second, and its own
 * owner and type where the create named none, or a type the account lacks.
 */
export function createdPipedriveTasks(client: UpstreamClient, types: ActivityTypeList, defaultType: string | undefined): CreatedTaskLookup {
  /** The type the create stored: as `tasks.ts` chooses it. */
  const storedType = async (type: string | undefined, options: CallOptions) => {
    if (type === undefined || (await types.has(type, options))) return type
    return defaultType !== undefined && (await types.has(defaultType, options)) ? defaultType : undefined
  }

  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const since = Math.floor(createdAfter / 1000) * 1000
      const expected: NativeTaskInput = {
        ...input,
        type: await storedType(input.type, options),
        ...(input.dueDate !== undefined && { dueDate: Math.floor(input.dueDate / 1000) * 1000 }),
      }
      const found = []
      let cursor: string | undefined
      for (let pages = 0; ; pages++) {
        if (pages === MAX_PAGES) {
          throw new UpstreamUnavailableError(`Pipedrive holds more than ${PAGE * MAX_PAGES} activities changed since the create: too many to look through`)
        }
        const answer = await client.json(
          { method: 'GET', route: ACTIVITIES, query: { updated_since: rfc3339(since), limit: String(PAGE), ...(cursor && { cursor }) }, options },
          Listed,
        )
        for (const activity of answer.data) {
          if (activity.is_deleted || activity.subject !== input.subject || (parseTime(activity.add_time) ?? 0) < since) continue
          found.push(fromActivity(activity))
        }
        cursor = answer.additional_data?.next_cursor ?? undefined
        if (!cursor) break
      }
      return found.filter((task) => isCreatedFrom(task, expected, ['ownerId', 'type']))
    },
  }
}
