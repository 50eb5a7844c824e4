import { Type } from '@sinclair/typebox'
import { type AdapterDefinition, ConfigError } from '../../src/kit/adapter-kit.ts'
import { hubspotErrorMessage, hubspotRateLimits } from './errors.ts'
import { OwnerResolver } from './owners.ts'
import { API_VERSIONS, DEFAULT_API_VERSION, isApiVersion, routes } from './routes.ts'
import { createHubSpotTasks } from './tasks.ts'

const HubSpotOptions = Type.Object(
  {
    accessToken: Type.String({
      minLength: 1,
      description: 'a Service Key, a project app token or a legacy private app token, sent as Authorization: Bearer',
    }),
    baseUrl: Type.String({ default: 'https://api.hubapi.com' }),
    apiVersion: Type.String({ default: DEFAULT_API_VERSION, description: `one of ${API_VERSIONS.join(', ')}` }),
    ownerCache: Type.Object(
      {
        max: Type.Integer({ minimum: 1, default: 1000 }),
        ttlMs: Type.Integer({ minimum: 1, default: 600_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
)

const definition: AdapterDefinition<typeof HubSpotOptions> = {
  options: HubSpotOptions,
  create(options, ctx) {
    if (!isApiVersion(options.apiVersion)) {
      throw new ConfigError(
        `connections.${ctx.connection}.apiVersion`,
        `HubSpot API version "${options.apiVersion}" is not one this adapter knows (known: ${API_VERSIONS.join(', ')})`,
      )
    }
    const route = routes(options.apiVersion)
    const client = ctx.upstream({
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.accessToken}` },
      signals: hubspotRateLimits,
      errorMessage: hubspotErrorMessage,
    })
    return {
      specificationVersion: 'v2',
      adapter: 'hubspot',
      tasks: createHubSpotTasks(client, new OwnerResolver(client, route.owners, options.ownerCache), route),
      // One cheap authenticated read: a task list of one.
      async doCheck(options) {
        await client.send({ method: 'GET', route: route.tasks, query: { limit: '1' }, expect: [200], options })
      },
    }
  },
}
export default definition
