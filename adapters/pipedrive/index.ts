import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, CallOptions, NativeTaskPatch, TaskAdapterV1 } from '../../src/adapter/v1.ts'
import { ConfigError } from '../../src/errors.ts'
import { isSafeIntegerId } from '../../src/adapter/native-ids.ts'
import type { UpstreamClient } from '../../src/upstream/client.ts'
import { ActivityTypeList } from './activity-types.ts'
import { pipedriveErrorMessage, pipedriveRateLimits } from './errors.ts'
import { type ActivityBody, fromActivity, toActivity } from './mapping.ts'
import { type Activity, ActivityList, OneActivity } from './schemas.ts'

const PipedriveOptions = Type.Object(
  {
    apiToken: Type.Optional(Type.String({ minLength: 1, description: 'an API token, sent as x-api-token' })),
    accessToken: Type.Optional(Type.String({ minLength: 1, description: 'an OAuth access token, sent as Bearer' })),
    baseUrl: Type.String({ default: 'https://api.pipedrive.com' }),
    activityTypesTtlMs: Type.Integer({ minimum: 1, default: 600_000 }),
  },
  { additionalProperties: false },
)

/** Pipedrive's limit on `ids` of `GET /api/v2/activities`. */
const MAX_IDS = 100
const ACTIVITIES = '/api/v2/activities'
const ONE = `${ACTIVITIES}/{id}`

/**
 * Enginy tasks as Pipedrive activities, on API v2 (v1's activity endpoints are out of support).
 * Pipedrive has no batch update, so `maxBatchUpdate` is 1 and the core fans completions out.
 */
export function createPipedriveAdapter(client: UpstreamClient, types: ActivityTypeList, defaultType: string | undefined): TaskAdapterV1 {
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
    specificationVersion: 'v1',
    adapter: 'pipedrive',
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

    async doCheck(options) {
      await client.send({ method: 'GET', route: ACTIVITIES, query: { limit: '1' }, expect: [200], options })
    },
  }
}

const definition: AdapterDefinition<typeof PipedriveOptions> = {
  options: PipedriveOptions,
  create(options, ctx) {
    if (!options.apiToken === !options.accessToken) {
      throw new ConfigError(`connections.${ctx.connection}`, 'set exactly one of apiToken and accessToken')
    }
    const credentials: Record<string, string> = options.accessToken
      ? { authorization: `Bearer ${options.accessToken}` }
      : { 'x-api-token': options.apiToken! }
    const client = ctx.upstream({
      baseUrl: options.baseUrl,
      headers: credentials,
      signals: pipedriveRateLimits,
      errorMessage: pipedriveErrorMessage,
    })
    return createPipedriveAdapter(client, new ActivityTypeList(client, options.activityTypesTtlMs), ctx.defaultType)
  },
}
export default definition
