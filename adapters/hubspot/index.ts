import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, CallOptions, CompanyFields, ContactFields } from '../../src/kit/spec.ts'
import { ConfigError, withCreatedLookup } from '../../src/kit/utils.ts'
import { createHubSpotActivities } from './activities.ts'
import { createHubSpotAssociations } from './associations.ts'
import { createdHubSpotTasks } from './created-tasks.ts'
import { hubspotErrorMessage } from './error-message.ts'
import { hubspotRateLimits } from './rate-limit-signals.ts'
import { SEARCH_GROUP, SEARCH_RATE } from './limits.ts'
import { PortalLinks } from './links.ts'
import { ObjectReads } from './objects.ts'
import { OwnerResolver } from './owners.ts'
import { type NeededProperty, checkProperties, neededByMappings } from './property-check.ts'
import { RecordMapping } from './record-mapping.ts'
import { createHubSpotRecords } from './records.ts'
import { API_VERSIONS, DEFAULT_API_VERSION, isApiVersion, routes } from './routes.ts'
import { createHubSpotTasks } from './tasks.ts'
import { createHubSpotUsers } from './users.ts'

const HubSpotOptions = Type.Object(
  {
    accessToken: Type.String({
      minLength: 1,
      // OAuth access tokens, which expire after 30 minutes, are not taken: the gateway refreshes
      // only Pipedrive's. A Service Key and a static token do not expire.
      description: "a Service Key, a project app's static token or a legacy private app token, sent as Authorization: Bearer",
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
    portalId: Type.Optional(
      Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "the portal (Hub ID) of record links; read from HubSpot's account-info API, outside any request, when unset" }),
    ),
    messageIdProperty: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9_]{0,99}$',
        description: "a text property with unique values, on both emails and communications, that holds Enginy's messageId; without it the gateway remembers message ids itself",
      }),
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
      // Search has a per-second limit of its own (`limits.ts`); every search names this group.
      limits: { [SEARCH_GROUP]: SEARCH_RATE },
    })
    const owners = new OwnerResolver(client, route.owners, options.ownerCache, ctx.connection)
    const links = new PortalLinks(client, route, options.portalId)
    const contactMapping = new RecordMapping('contacts', ctx.fieldMap.contacts, owners)
    const companyMapping = new RecordMapping('companies', ctx.fieldMap.companies, owners)
    for (const mapping of [contactMapping, companyMapping]) {
      if (!mapping.property.has('externalId')) {
        ctx.logger.info(
          `fieldMap.${mapping.kind}.externalId is not set: Enginy's ids of ${mapping.kind} are not kept in HubSpot, and ${mapping.kind} are matched by their other keys only`,
        )
      }
    }
    const needed: NeededProperty[] = [
      ...neededByMappings(ctx.connection, [contactMapping, companyMapping]),
      ...(options.messageIdProperty === undefined
        ? []
        : (['emails', 'communications'] as const).map((kind) => ({ kind, property: options.messageIdProperty!, from: `connections.${ctx.connection}.messageIdProperty`, unique: true }))),
    ]
    return {
      specificationVersion: 'v2',
      adapter: 'hubspot',
      tasks: withCreatedLookup(createHubSpotTasks(client, owners, route), (tasks) => createdHubSpotTasks(client, route, owners, tasks)),
      contacts: createHubSpotRecords<ContactFields>(client, route, contactMapping, links, ctx.connection),
      companies: createHubSpotRecords<CompanyFields>(client, route, companyMapping, links, ctx.connection),
      associations: createHubSpotAssociations(client, route, {
        contacts: new ObjectReads(client, route, 'contacts'),
        companies: new ObjectReads(client, route, 'companies'),
      }),
      activities: createHubSpotActivities(client, route, owners, options.messageIdProperty),
      users: createHubSpotUsers(client, route, options.ownerCache, ctx.connection),
      // With `portalId` configured, links need nothing from HubSpot.
      ...(options.portalId === undefined && { doLearnLinks: (callOptions: CallOptions) => links.learn(callOptions) }),
      /**
       * `connections test` reads the property definitions the connection writes to
       * (`property-check.ts`), which also proves the token works, and names every property HubSpot
       * lacks. A readiness probe (`probe`) is one cheap authenticated read, a task list of one: a
       * missing record property must not take the connection's tasks out of service.
       */
      async doCheck(callOptions: CallOptions) {
        if (!callOptions.probe) return checkProperties(client, route, ctx.connection, needed, callOptions)
        await client.send({ method: 'GET', route: route.tasks, query: { limit: '1' }, expect: [200], options: callOptions })
      },
    }
  },
}
export default definition
