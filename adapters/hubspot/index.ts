import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, CallOptions, NativeTask, NativeTaskPatch, TaskAdapterV1 } from '../../src/adapter.ts'
import { chunks } from '../../src/chunks.ts'
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../src/errors.ts'
import type { UpstreamClient } from '../../src/upstream/client.ts'
import type { UpstreamRequest } from '../../src/upstream/types.ts'
import { hubspotErrorMessage, hubspotRateLimits } from './errors.ts'
import {
  ASSOCIATION_TYPE,
  type AssociatedKind,
  type Associated,
  TASK_PROPERTIES,
  embeddedAssociations,
  fromHubSpot,
  toProperties,
} from './mapping.ts'
import { OwnerResolver } from './owners.ts'
import { BatchAssociations, BatchObjects, HubSpotObject, type StandardError } from './schemas.ts'

const HubSpotOptions = Type.Object(
  {
    accessToken: Type.String({ minLength: 1, description: 'a private app token, sent as Authorization: Bearer' }),
    baseUrl: Type.String({ default: 'https://api.hubapi.com' }),
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

/** HubSpot's limit on `inputs` of the v3 objects batch endpoints. */
const MAX_OBJECTS = 100
/** HubSpot's limit on `inputs` of the v4 associations batch read, and so the adapter's batch:
 * a batch's tasks are read 100 at a time, their associations all at once. */
const MAX_ASSOCIATIONS = 1000
const TASKS = '/crm/v3/objects/tasks'
const KINDS: readonly AssociatedKind[] = ['contacts', 'companies']
const FIELD: Record<AssociatedKind, 'contactId' | 'companyId'> = { contacts: 'contactId', companies: 'companyId' }

type Call = Omit<UpstreamRequest, 'options'>

/** Enginy tasks as HubSpot CRM tasks (CRM v3 objects API, v4 associations). */
export function createHubSpotAdapter(client: UpstreamClient, owners: OwnerResolver): TaskAdapterV1 {
  const at = (call: Call, options: CallOptions): UpstreamRequest => ({ ...call, options })

  const readOne = async (id: string, options: CallOptions): Promise<NativeTask | null> => {
    const object = await client.json(
      at(
        {
          method: 'GET',
          path: `${TASKS}/${id}`,
          route: `${TASKS}/{taskId}`,
          query: { properties: TASK_PROPERTIES.join(','), associations: KINDS.join(',') },
        },
        options,
      ),
      HubSpotObject,
      'null',
    )
    return object && fromHubSpot(object, embeddedAssociations(object))
  }

  /** Objects HubSpot found; ids it reports missing are left out, any other per-item error fails.
   * Batch reads and status updates are safe to repeat, so they are retried like reads. */
  const batchObjects = async (path: string, body: unknown, options: CallOptions) => {
    const answer = await client.json(at({ method: 'POST', path, route: path, body, idempotent: true }, options), BatchObjects)
    failOnErrors(answer.errors)
    return answer.results
  }

  const readBody = (ids: readonly string[]) => ({
    properties: [...TASK_PROPERTIES],
    propertiesWithHistory: [],
    inputs: ids.map((id) => ({ id })),
  })

  /** Tasks by id, without their associations: 100 per call, the calls in parallel (the
   * connection's concurrency caps how many are in flight). */
  const readObjects = async (ids: readonly string[], options: CallOptions) =>
    (await Promise.all(chunks(ids, MAX_OBJECTS).map((part) => batchObjects(`${TASKS}/batch/read`, readBody(part), options)))).flat()

  const readAssociations = async (ids: readonly string[], options: CallOptions) => {
    const found = new Map<string, Associated>(ids.map((id) => [id, {}]))
    const path = (kind: AssociatedKind) => `/crm/v4/associations/tasks/${kind}/batch/read`
    const answers = await Promise.all(
      KINDS.map((kind) =>
        client.json(
          at({ method: 'POST', path: path(kind), route: path(kind), body: { inputs: ids.map((id) => ({ id })) }, idempotent: true }, options),
          BatchAssociations,
        ),
      ),
    )
    KINDS.forEach((kind, i) => {
      const answer = answers[i]!
      // A task with no association of this kind comes back as an OBJECT_NOT_FOUND error.
      failOnErrors(answer.errors)
      for (const result of answer.results) {
        const first = result.to[0]
        if (first) found.get(result.from.id)![FIELD[kind]] = String(first.toObjectId)
      }
    })
    return found
  }

  /**
   * The tasks `reading` brings, with their associations. Association reads need only the ids, so
   * they go out with the task reads rather than after them: a batch takes one round trip, not two.
   * Ids that turn out missing cost nothing more, as all of `ids` fit in one read per kind.
   */
  const withAssociations = async (reading: Promise<HubSpotObject[]>, ids: readonly string[], options: CallOptions) => {
    const [objects, associated] = await Promise.all([reading, readAssociations(ids, options)])
    return objects.map((object) => fromHubSpot(object, associated.get(object.id) ?? {}))
  }

  const properties = async (patch: NativeTaskPatch, options: CallOptions) => {
    const resolved = patch.ownerId === undefined ? patch : { ...patch, ownerId: await owners.resolve(patch.ownerId, options) }
    return toProperties(resolved)
  }

  const reassociate = async (id: string, patch: NativeTaskPatch, current: Associated, options: CallOptions) => {
    for (const kind of KINDS) {
      const wanted = patch[FIELD[kind]]
      const had = current[FIELD[kind]]
      if (wanted === undefined || wanted === had) continue
      const route = `/crm/v4/objects/tasks/{taskId}/associations/${kind}/{toObjectId}`
      const spec = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ASSOCIATION_TYPE[kind] }]
      await client.send(at({ method: 'PUT', path: `/crm/v4/objects/tasks/${id}/associations/${kind}/${wanted}`, route, body: spec }, options))
      if (had) await client.send(at({ method: 'DELETE', path: `/crm/v4/objects/tasks/${id}/associations/${kind}/${had}`, route }, options))
    }
  }

  return {
    specificationVersion: 'v1',
    adapter: 'hubspot',
    capabilities: { maxBatchRead: MAX_ASSOCIATIONS, maxBatchUpdate: MAX_ASSOCIATIONS },

    async doCreate(input, options) {
      // hs_timestamp is required and is the due date: without one, the task is due when created.
      const body = {
        properties: await properties({ ...input, dueDate: input.dueDate ?? Date.now() }, options),
        associations: KINDS.flatMap((kind) => {
          const to = recordId(input[FIELD[kind]], FIELD[kind])
          if (to === undefined) return []
          return [{ to: { id: to }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ASSOCIATION_TYPE[kind] }] }]
        }),
      }
      const created = await client.json(at({ method: 'POST', path: TASKS, route: TASKS, body }, options), HubSpotObject)
      return fromHubSpot(created, { contactId: input.contactId, companyId: input.companyId })
    },

    async doGetMany(ids, options) {
      // A single read brings its associations along: up to three tasks, reading each alone costs
      // no more calls than a batch read and its two association reads, and takes one round trip.
      if (ids.length <= KINDS.length + 1) {
        const tasks = await Promise.all(ids.map((id) => readOne(id, options)))
        return tasks.filter((task) => task !== null)
      }
      return withAssociations(readObjects(ids, options), ids, options)
    },

    async doUpdate(id, patch, options) {
      recordId(patch.contactId, 'contactId')
      recordId(patch.companyId, 'companyId')
      const changes = await properties(patch, options)
      if (Object.keys(changes).length > 0) {
        const updated = await client.json(
          at({ method: 'PATCH', path: `${TASKS}/${id}`, route: `${TASKS}/{taskId}`, body: { properties: changes } }, options),
          HubSpotObject,
          'null',
        )
        if (!updated) return null
      }
      if (patch.contactId !== undefined || patch.companyId !== undefined) {
        const current = await readOne(id, options)
        if (!current) return null
        await reassociate(id, patch, current, options)
      }
      return readOne(id, options)
    },

    async doCompleteMany(ids, completed, options) {
      const status = completed ? 'COMPLETED' : 'NOT_STARTED'
      const update = (part: readonly string[]) =>
        batchObjects(`${TASKS}/batch/update`, { inputs: part.map((id) => ({ id, properties: { hs_task_status: status } })) }, options)
      // HubSpot sets hs_task_completion_date when a task becomes COMPLETED and keeps it when it
      // already was, so completing twice keeps the first completedAt. The update's answer holds
      // only the changed properties: the tasks are read back whole, each hundred as soon as it is
      // updated. A status update leaves associations alone, so they are read meanwhile.
      if (ids.length <= KINDS.length + 1) return this.doGetMany((await update(ids)).map((o) => o.id), options)
      const reading = Promise.all(
        chunks(ids, MAX_OBJECTS).map(async (part) => {
          const updated = await update(part)
          return updated.length === 0 ? [] : readObjects(updated.map((o) => o.id), options)
        }),
      )
      return withAssociations(
        reading.then((parts) => parts.flat()),
        ids,
        options,
      )
    },

    async doCheck(options) {
      await client.send(at({ method: 'GET', path: TASKS, route: TASKS, query: { limit: '1' } }, options))
    },
  }
}

/** HubSpot record ids are digits; anything else can only be refused, so it is refused here. */
function recordId(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,20}$/.test(value)) throw new UpstreamRejectedError(`${field} must be a HubSpot record id (digits), got "${value.slice(0, 64)}"`)
  return value
}

function failOnErrors(errors: readonly StandardError[] | undefined): void {
  const other = errors?.find((error) => error.category !== 'OBJECT_NOT_FOUND')
  if (other) throw new UpstreamUnavailableError(`HubSpot failed part of a batch: ${other.message} (${other.category})`.slice(0, 500))
}

const definition: AdapterDefinition<typeof HubSpotOptions> = {
  options: HubSpotOptions,
  create(options, ctx) {
    const client = ctx.upstream({
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.accessToken}` },
      signals: hubspotRateLimits,
      errorMessage: hubspotErrorMessage,
    })
    return createHubSpotAdapter(client, new OwnerResolver(client, options.ownerCache))
  },
}
export default definition
