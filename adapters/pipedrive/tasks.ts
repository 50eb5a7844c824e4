import type { CallOptions, NativeTaskPatch, TaskPort, UpstreamClient } from '../../src/kit/spec.ts'
import { isSafeIntegerId } from '../../src/kit/utils.ts'
import type { ActivityTypeList } from './activity-types.ts'
import { type ActivityBody, fromActivity, toActivity } from './mapping.ts'
import { listFeed } from './changes.ts'
import { page } from './record-schemas.ts'
import { Activity, ActivityList, OneActivity } from './schemas.ts'
import { rfc3339 } from './times.ts'

/** Pipedrive's limit on `ids` of `GET /api/v2/activities`, and v2's largest page. */
const MAX_IDS = 100
const PAGE = 500
const ActivityPage = page(Activity)
export const ACTIVITIES = '/api/v2/activities'
const ONE = `${ACTIVITIES}/{id}`

/**
 * Enginy tasks as Pipedrive activities, on API v2 (v1's activity endpoints are out of support).
 * Pipedrive has no batch update, so `maxBatchUpdate` is 1 and the core fans completions out.
 */
export function createPipedriveTasks(client: UpstreamClient, types: ActivityTypeList, defaultType: string | undefined): TaskPort {
  const visible = (activity: Activity | null) => (activity && !activity.is_deleted ? fromActivity(activity) : null)

  /** The type as the account holds it: its own, else `defaultType`, else none (Pipedrive's default). */
  const body = async (patch: NativeTaskPatch, options: CallOptions): Promise<ActivityBody> => {
    const activity = toActivity(patch)
    if (activity.type === undefined || (await types.has(activity.type, options))) return activity
    const fallback = defaultType !== undefined && (await types.has(defaultType, options)) ? defaultType : undefined
    options.warn({
      type: 'unsupported',
      field: 'type',
      message: `Pipedrive has no active activity type "${activity.type}"; stored as ${fallback ?? "the account's default"}`,
    })
    const { type: _dropped, ...rest } = activity
    return fallback === undefined ? rest : { ...rest, type: fallback }
  }

  const patchOne = async (id: string, changes: ActivityBody, options: CallOptions) => {
    const answer = await client.json({ method: 'PATCH', route: ONE, params: { id }, body: changes, options }, OneActivity, 'null')
    return visible(answer?.data ?? null)
  }

  return {
    capabilities: { maxBatchRead: MAX_IDS, maxBatchUpdate: 1 },
    isNativeId: isSafeIntegerId,

    async doCreate(input, options) {
      const answer = await client.json(
        { method: 'POST', route: ACTIVITIES, body: await body(input, options), options },
        OneActivity,
      )
      return fromActivity(answer.data)
    },

    async doGetMany(ids, options) {
      if (ids.length === 1) {
        const answer = await client.json({ method: 'GET', route: ONE, params: { id: ids[0]! }, options }, OneActivity, 'null')
        const task = visible(answer?.data ?? null)
        return task ? [task] : []
      }
      // Missing and invisible ids are silently left out of the answer; deleted ones are dropped
      // here. The ids are integers (the core checked each with isNativeId), so none holds a comma.
      const answer = await client.json(
        { method: 'GET', route: ACTIVITIES, query: { ids: ids.join(','), limit: String(MAX_IDS) }, options },
        ActivityList,
      )
      return answer.data.flatMap((activity) => {
        const task = visible(activity)
        return task ? [task] : []
      })
    },

    async doUpdate(id, patch, options) {
      return patchOne(id, await body(patch, options), options)
    },

    async doCompleteMany(ids, completed, options) {
      // Pipedrive sets marked_as_done_time when an activity becomes done and keeps it after.
      const done = await Promise.all(ids.map((id) => patchOne(id, { done: completed }, options)))
      return done.flatMap((task) => (task ? [task] : []))
    },

    changes: listFeed(
      {
        async changedPage(since, cursor, options) {
          const query = { ...(since !== undefined && { updated_since: rfc3339(since) }), limit: String(PAGE), ...(cursor && { cursor }) }
          const answer = await client.json({ method: 'GET', route: ACTIVITIES, query, options }, ActivityPage)
          const next = answer.additional_data?.next_cursor ?? undefined
          return { records: answer.data, ...(next && { cursor: next }) }
        },
      },
      async (activities) => activities.map(fromActivity),
    ),
  }
}

