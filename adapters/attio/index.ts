import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, CallOptions, ErrorMessagePicker } from '../../src/kit/spec.ts'
import { withCreatedLookup } from '../../src/kit/utils.ts'
import { attioActivities } from './activities.ts'
import { attioAssociations } from './associations.ts'
import { createdRecords } from './created-records.ts'
import { createdAttioTasks } from './created-tasks.ts'
import { checkFieldMap } from './field-check.ts'
import { fieldPlan } from './field-plan.ts'
import { ObjectIds } from './objects.ts'
import { READS, WRITES } from './record-calls.ts'
import { companiesSpec, peopleSpec } from './record-kinds.ts'
import { recordPort } from './records.ts'
import { attioTasks } from './tasks.ts'
import { Workspace, attioUsers } from './workspace.ts'

const AttioOptions = Type.Object(
  {
    accessToken: Type.String({ minLength: 1, description: 'an Attio access token (Workspace settings → Developers), sent as Bearer' }),
    baseUrl: Type.String({ default: 'https://api.attio.com' }),
  },
  { additionalProperties: false },
)

/** Attio's error body, `{status_code, type, code, message}` on every error (its OpenAPI file). */
const attioErrorMessage: ErrorMessagePicker = (body) => {
  const { message, code } = body as { message?: unknown; code?: unknown }
  if (typeof message !== 'string') return undefined
  return typeof code === 'string' ? `${message} (${code})` : message
}

/**
 * Attio, REST API v2 (https://docs.attio.com/rest-api): contacts are people, companies are
 * companies, tasks are tasks, activities are notes, users are workspace members. Attio counts
 * "100 requests per second for read requests, 25 requests per second for write requests"
 * (https://docs.attio.com/rest-api/guides/rate-limiting): each call names its group, and a
 * connection's `rateLimits.reads` / `.writes` override them. A 429 carries `Retry-After` as an
 * HTTP date, which the upstream client reads as it is. No header tells the budget left.
 */
const definition: AdapterDefinition<typeof AttioOptions> = {
  options: AttioOptions,
  create(options, ctx) {
    const client = ctx.upstream({
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.accessToken}` },
      errorMessage: attioErrorMessage,
      limits: { [READS]: { requests: 100, intervalMs: 1000 }, [WRITES]: { requests: 25, intervalMs: 1000 } },
    })
    const plan = fieldPlan(ctx.fieldMap)
    const workspace = new Workspace(client, ctx.connection)
    const objects = new ObjectIds(client)
    const people = peopleSpec(client, plan.contacts)
    const companies = companiesSpec(client, plan.companies)
    let fieldsChecked = false
    return {
      specificationVersion: 'v2',
      adapter: 'attio',
      tasks: withCreatedLookup(attioTasks(client, objects), () => createdAttioTasks(client, objects)),
      contacts: withCreatedLookup(recordPort(people, workspace.link('person')), () => createdRecords(people)),
      companies: withCreatedLookup(recordPort(companies, workspace.link('company')), () => createdRecords(companies)),
      associations: attioAssociations(people.calls, companies.calls),
      activities: attioActivities(client),
      users: attioUsers(client),
      // A readiness check may have read the workspace first: then links need no call of their own.
      async doLearnLinks(options: CallOptions) {
        if (!workspace.known) await workspace.identify(options)
      },
      // `GET /v2/self`, the cheapest authenticated read, which also gives the links' workspace.
      // The fieldMap's slugs are checked on `connections test` and on the first readiness check
      // after a start (two reads), not on every one.
      async doCheck(options) {
        await workspace.identify(options)
        if (fieldsChecked && options.probe) return
        await checkFieldMap(client, plan, ctx.connection, options)
        fieldsChecked = true
      },
    }
  },
}
export default definition
