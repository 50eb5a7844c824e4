import { Type } from '@sinclair/typebox'
import type { AdapterDefinition } from '../../src/kit/spec.ts'
import { withCreatedLookup } from '../../src/kit/utils.ts'
import { createActivities } from './activities.ts'
import { createAssociations } from './associations.ts'
import { contactFields } from './contact-mapping.ts'
import { contactCalls, createContacts } from './contacts.ts'
import { createdTasks } from './created-tasks.ts'
import { apiKeyCredentials } from './credentials.ts'
import { closeErrorMessage } from './error-message.ts'
import { checkCustomFields } from './field-check.ts'
import { fieldPlan } from './field-plan.ts'
import { ID } from './ids.ts'
import { createLeads } from './leads.ts'
import { leadLink } from './links.ts'
import { Me } from './schemas.ts'
import { CLOSE_LIMITS, closeRateLimits } from './signals.ts'
import { createTasks, taskLeads } from './tasks.ts'
import { createUsers } from './users.ts'

const CloseOptions = Type.Object(
  {
    apiKey: Type.String({ minLength: 1, description: "an API key of the organization (Settings → Developer → API Keys), sent as HTTP Basic's user name" }),
    baseUrl: Type.String({ default: 'https://api.close.com' }),
    /** Close keeps every task on a lead: the one that holds the tasks naming no contact or company. */
    taskLeadId: Type.Optional(
      Type.String({ pattern: ID.lead, description: 'a lead made for the tasks that name no contact or company; without it such a task is refused (422 naming contactId)' }),
    ),
  },
  { additionalProperties: false },
)

/**
 * Close (REST API v1): companies are leads, contacts are contacts on a lead, tasks are lead tasks,
 * activities are notes or logged e-mails, users are the organization's (FACTS.md holds every fact
 * and its source). Every path ends in `/`: Close redirects one without (a 308 the gateway would not
 * follow).
 */
const definition: AdapterDefinition<typeof CloseOptions> = {
  options: CloseOptions,
  create(options, ctx) {
    const client = ctx.upstream({
      baseUrl: options.baseUrl,
      headers: {},
      credentials: apiKeyCredentials(options.apiKey),
      signals: closeRateLimits,
      errorMessage: closeErrorMessage,
      limits: CLOSE_LIMITS,
    })
    const plan = fieldPlan(ctx.fieldMap, ctx.connection)
    const contacts = contactCalls(client, contactFields(plan.contacts))
    const leads = taskLeads(contacts, options.taskLeadId)
    let fieldsChecked = false
    return {
      specificationVersion: 'v2',
      adapter: 'close',
      tasks: withCreatedLookup(createTasks(client, leads), () => createdTasks(client, leads)),
      contacts: createContacts(client, plan.contacts, contacts),
      companies: createLeads(client, plan.companies, leadLink),
      associations: createAssociations(contacts),
      activities: createActivities(client, contacts),
      users: createUsers(client),
      // The cheapest authenticated read, the key's own user; the fieldMap's custom fields are
      // checked on `connections test` and the first readiness check after a start, not on every one.
      async doCheck(options) {
        await client.json({ method: 'GET', route: '/api/v1/me/', query: { _fields: 'id' }, options }, Me)
        if (fieldsChecked && options.probe) return
        await checkCustomFields(client, plan, ctx.connection, options)
        fieldsChecked = true
      },
    }
  },
}
export default definition
