import { Type } from '@sinclair/typebox'
import { type AdapterDefinition, ConfigError } from '../../src/kit/adapter-kit.ts'
import { ActivityTypeList } from './activity-types.ts'
import { pipedriveErrorMessage, pipedriveRateLimits } from './errors.ts'
import { ACTIVITIES, createPipedriveTasks } from './tasks.ts'

const PipedriveOptions = Type.Object(
  {
    apiToken: Type.Optional(Type.String({ minLength: 1, description: 'an API token, sent as x-api-token' })),
    accessToken: Type.Optional(Type.String({ minLength: 1, description: 'an OAuth access token, sent as Bearer' })),
    baseUrl: Type.String({ default: 'https://api.pipedrive.com' }),
    activityTypesTtlMs: Type.Integer({ minimum: 1, default: 600_000 }),
  },
  { additionalProperties: false },
)

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
    return {
      specificationVersion: 'v2',
      adapter: 'pipedrive',
      tasks: createPipedriveTasks(client, new ActivityTypeList(client, options.activityTypesTtlMs), ctx.defaultType),
      // One cheap authenticated read: an activity list of one.
      async doCheck(options) {
        await client.send({ method: 'GET', route: ACTIVITIES, query: { limit: '1' }, expect: [200], options })
      },
    }
  },
}
export default definition
