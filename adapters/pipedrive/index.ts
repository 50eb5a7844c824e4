import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, CallOptions } from '../../src/kit/spec.ts'
import { withCreatedLookup } from '../../src/kit/utils.ts'
import { ActivityTypeOptions, createActivities } from './activities.ts'
import { ActivityTypeList } from './activity-types.ts'
import { createAssociations } from './associations.ts'
import { CredentialOptions, pipedriveAuth } from './credentials.ts'
import { createdPipedriveTasks } from './created-tasks.ts'
import { pipedriveErrorMessage } from './error-message.ts'
import { pipedriveRateLimits } from './rate-limit-signals.ts'
import { FieldCatalog } from './field-catalog.ts'
import { checkFieldMap } from './field-check.ts'
import { fieldPlan } from './field-plan.ts'
import { CompanyDomain } from './links.ts'
import { createOrganizations } from './organizations.ts'
import { createPersons } from './persons.ts'
import { SEARCH_GROUP, SEARCH_LIMIT } from './search.ts'
import { createPipedriveTasks } from './tasks.ts'
import { createUsers } from './users.ts'
import { fromActivity } from './mapping.ts'
import { createWebhooks } from './webhooks.ts'

const PipedriveOptions = Type.Object(
  {
    ...CredentialOptions,
    baseUrl: Type.String({ default: 'https://api.pipedrive.com' }),
    activityTypesTtlMs: Type.Integer({ minimum: 1, default: 600_000 }),
    /** How long the account's field definitions (industry options) are kept. */
    fieldsTtlMs: Type.Integer({ minimum: 1, default: 600_000 }),
    activityTypes: ActivityTypeOptions,
    /** The account's subdomain of pipedrive.com (`acme` for acme.pipedrive.com); read from
     * `/users/me`, outside any request, when not given. */
    companyDomain: Type.Optional(Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$' })),
    /** The gateway's public base URL: with it and `mirror:`, Pipedrive's webhooks bring changes
     * to the mirror as they happen (`webhooks.ts`). */
    webhookBaseUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: "the gateway's base URL as Pipedrive reaches it, for the mirror's webhooks" })),
    /** What lookups learn, to settle later ones with one list of changes (`recall.ts`). */
    recall: Type.Object(
      {
        ttlMs: Type.Integer({ minimum: 0, default: 600_000, description: '0 turns it off: every lookup searches' }),
        max: Type.Integer({ minimum: 1, default: 20_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
)

const definition: AdapterDefinition<typeof PipedriveOptions> = {
  options: PipedriveOptions,
  create(options, ctx) {
    const client = ctx.upstream({
      baseUrl: options.baseUrl,
      ...pipedriveAuth(options, ctx),
      signals: pipedriveRateLimits,
      errorMessage: pipedriveErrorMessage,
      // The general burst limit depends on the plan (the connection's `rateLimit`); search's is
      // the same on every plan.
      limits: { [SEARCH_GROUP]: SEARCH_LIMIT },
    })
    const plan = fieldPlan(ctx.fieldMap)
    const types = new ActivityTypeList(client, options.activityTypesTtlMs, ctx.connection)
    const catalog = new FieldCatalog(client, options.fieldsTtlMs, ctx.connection)
    const domain = new CompanyDomain(client, options.companyDomain)
    const persons = createPersons(client, plan.contacts, options.recall, domain.link('person'))
    const organizations = createOrganizations(client, plan.companies, catalog, options.recall, domain.link('organization'))
    let fieldsChecked = false
    return {
      specificationVersion: 'v2',
      adapter: 'pipedrive',
      tasks: withCreatedLookup(createPipedriveTasks(client, types, ctx.defaultType), () => createdPipedriveTasks(client, types, ctx.defaultType)),
      contacts: persons.port,
      companies: organizations.port,
      associations: createAssociations(persons.calls, organizations.calls),
      activities: createActivities(client, types, options.activityTypes),
      users: createUsers(client),
      // A readiness check may have read the domain first: then links need no call of their own.
      ...(options.companyDomain === undefined && {
        async doLearnLinks(options: CallOptions) {
          if (!domain.known) await domain.read(options)
        },
      }),
      ...(options.webhookBaseUrl && {
        webhooks: createWebhooks(client, options.webhookBaseUrl, { person: persons.map, organization: organizations.map, activity: fromActivity }),
      }),
      // The cheapest authenticated read, v1 `/users/me` (2 tokens; a v2 list costs 10), which
      // also gives the links' company domain. The fieldMap's keys are checked against the
      // account's fields on `connections test` and on the first readiness check after a start
      // (40 tokens), not on every one.
      async doCheck(options) {
        await domain.read(options)
        if (fieldsChecked && options.probe) return
        await checkFieldMap(catalog, ctx.fieldMap, ctx.connection, options)
        fieldsChecked = true
      },
    }
  },
}
export default definition
