import type { CallOptions, NativeTask, NativeTaskPatch, TaskPort, UpstreamClient, UpstreamRequest } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, UpstreamUnavailableError, chunks, isDigitsId } from '../../src/kit/utils.ts'
import {
  ASSOCIATION_TYPE,
  type AssociatedKind,
  type Associated,
  TASK_PROPERTIES,
  embeddedAssociations,
  fromHubSpot,
  toProperties,
} from './mapping.ts'
import { CHANGE_OVERLAP_MS, changedPage } from './changes.ts'
import type { OwnerResolver } from './owners.ts'
import type { Routes } from './routes.ts'
import { BatchAssociations, BatchObjects, HubSpotObject, type StandardError } from './schemas.ts'
import { hubspotTaskTypes } from './task-types.ts'

/** HubSpot's limit on `inputs` of the v3 objects batch endpoints. */
const MAX_OBJECTS = 100
/** HubSpot's limit on `inputs` of the v4 associations batch read, and so the adapter's batch:
 * a batch's tasks are read 100 at a time, their associations all at once. */
const MAX_ASSOCIATIONS = 1000
const KINDS: readonly AssociatedKind[] = ['contacts', 'companies']
const FIELD: Record<AssociatedKind, 'contactId' | 'companyId'> = { contacts: 'contactId', companies: 'companyId' }

type Call = Omit<UpstreamRequest, 'options'>

/** Enginy tasks as HubSpot CRM tasks, on HubSpot's date-versioned CRM API. */
export function createHubSpotTasks(client: UpstreamClient, owners: OwnerResolver, route: Routes): TaskPort {
  const at = (call: Call, options: CallOptions): UpstreamRequest => ({ ...call, options })

  const readOne = async (id: string, options: CallOptions): Promise<NativeTask | null> => {
    const object = await client.json(
      at(
        {
          method: 'GET',
          route: route.task,
          params: { taskId: id },
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
  const batchObjects = async (route: string, body: unknown, options: CallOptions) => {
    const answer = await client.json(at({ method: 'POST', route, body, idempotent: true, expect: [200, 207] }, options), BatchObjects)
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
    (await Promise.all(chunks(ids, MAX_OBJECTS).map((part) => batchObjects(route.batchRead, readBody(part), options)))).flat()

  const readAssociations = async (ids: readonly string[], options: CallOptions) => {
    const found = new Map<string, Associated>(ids.map((id) => [id, {}]))
    const answers = await Promise.all(
      KINDS.map((kind) =>
        client.json(
          at({ method: 'POST', route: route.associationsRead(kind), body: { inputs: ids.map((id) => ({ id })) }, idempotent: true, expect: [200, 207] }, options),
          BatchAssociations,
        ),
      ),
    )
    KINDS.forEach((kind, i) => {
      const answer = answers[i]!
      // A task with no association of this kind comes back as an OBJECT_NOT_FOUND error.
      failOnErrors(answer.errors)
      for (const result of answer.results) {
        const associated = found.get(result.from.id)
        if (!associated) {
          unasked(options, `the ${kind} of task`, result.from.id)
          continue
        }
        const first = result.to[0]
        if (first) associated[FIELD[kind]] = String(first.toObjectId)
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

  /** Links the task to `toObjectId`; a 404 there means the record to link does not exist. */
  const associate = async (id: string, kind: AssociatedKind, toObjectId: string, options: CallOptions) => {
    const spec = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ASSOCIATION_TYPE[kind] }]
    const call = { method: 'PUT', route: route.association(kind), params: { taskId: id, toObjectId }, body: spec, expect: [200, 201] } as const
    const linked = await client.send(at(call, options), 'null')
    if (!linked) throw new UpstreamRejectedError(`${FIELD[kind]} ${toObjectId} is not a HubSpot record the task can be linked to`)
  }

  const dissociate = async (id: string, kind: AssociatedKind, toObjectId: string, options: CallOptions) => {
    const call = { method: 'DELETE', route: route.association(kind), params: { taskId: id, toObjectId }, expect: [200, 204] } as const
    await client.send(at(call, options), 'null')
  }

  /**
   * An update, which may move the task to another contact or company. The new association is
   * made first: if HubSpot refuses it, nothing has changed and the caller gets the 422. The old
   * one is removed only once the new one and the properties are written; if the properties are
   * refused, the new association is taken back, so a refused update leaves the task as it was.
   */
  const update = async (id: string, patch: NativeTaskPatch, changes: Record<string, string>, options: CallOptions) => {
    const moving = KINDS.some((kind) => patch[FIELD[kind]] !== undefined)
    const current = moving ? await readOne(id, options) : undefined
    if (current === null) return null
    const moves = KINDS.flatMap((kind) => {
      const wanted = patch[FIELD[kind]]
      const had = current?.[FIELD[kind]]
      return wanted === undefined || wanted === had ? [] : [{ kind, wanted, had }]
    })
    const made: typeof moves = []
    try {
      for (const move of moves) {
        await associate(id, move.kind, move.wanted, options)
        made.push(move)
      }
      if (Object.keys(changes).length > 0) {
        const call = { method: 'PATCH', route: route.task, params: { taskId: id }, body: { properties: changes } } as const
        if (!(await client.json(at(call, options), HubSpotObject, 'null'))) return null
      }
    } catch (error) {
      await Promise.all(
        made.map((move) =>
          dissociate(id, move.kind, move.wanted, options).catch(() =>
            options.warn({ type: 'compatibility', field: FIELD[move.kind], message: `could not take back the association to ${move.wanted}` }),
          ),
        ),
      )
      throw error
    }
    for (const { kind, had } of moves) if (had) await dissociate(id, kind, had, options)
    return readOne(id, options)
  }

  return {
    capabilities: { maxBatchRead: MAX_ASSOCIATIONS, maxBatchUpdate: MAX_ASSOCIATIONS },
    isNativeId: isDigitsId,
    taskTypes: hubspotTaskTypes,

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
      const created = await client.json(at({ method: 'POST', route: route.tasks, body, expect: [200, 201] }, options), HubSpotObject)
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
      return update(id, patch, await properties(patch, options), options)
    },

    async doCompleteMany(ids, completed, options) {
      const status = completed ? 'COMPLETED' : 'NOT_STARTED'
      // Only ids that were asked for are read back: an answer cannot add tasks to a batch.
      const complete = async (part: readonly string[]) => {
        const asked = new Set(part)
        const inputs = part.map((id) => ({ id, properties: { hs_task_status: status } }))
        const updated = await batchObjects(route.batchUpdate, { inputs }, options)
        return updated.flatMap(({ id }) => {
          if (asked.has(id)) return [id]
          unasked(options, 'task', id)
          return []
        })
      }
      // HubSpot sets hs_task_completion_date when a task becomes COMPLETED and keeps it when it
      // already was, so completing twice keeps the first completedAt. The update's answer holds
      // only the changed properties: the tasks are read back whole, each hundred as soon as it is
      // updated. A status update leaves associations alone, so they are read meanwhile.
      if (ids.length <= KINDS.length + 1) return this.doGetMany(await complete(ids), options)
      const reading = Promise.all(
        chunks(ids, MAX_OBJECTS).map(async (part) => {
          const updated = await complete(part)
          return updated.length === 0 ? [] : readObjects(updated, options)
        }),
      )
      return withAssociations(
        reading.then((parts) => parts.flat()),
        ids,
        options,
      )
    },

    // Tasks changed since the watermark, each page's associations read with it (a search answer
    // has none): nothing changed is one search a sweep.
    changes: {
      overlapMs: CHANGE_OVERLAP_MS,
      async doListChanged(since, cursor, options) {
        const page = await changedPage(client, `${route.tasks}/search`, 'hs_lastmodifieddate', TASK_PROPERTIES, since, cursor, options)
        const ids = page.objects.map(({ object }) => object.id)
        const associated = ids.length === 0 ? new Map<string, Associated>() : await readAssociations(ids, options)
        const changes = page.objects.map(({ object, modifiedAt }) => ({ record: fromHubSpot(object, associated.get(object.id) ?? {}), modifiedAt }))
        return { changes, ...(page.cursor !== undefined && { cursor: page.cursor }), ...(page.watermark !== undefined && { watermark: page.watermark }) }
      },
    },
  }

  /** HubSpot's per-item errors: ids it reports missing are fine, anything else fails the batch. */
  function failOnErrors(errors: readonly StandardError[] | undefined): void {
    const other = errors?.find((error) => error.category !== 'OBJECT_NOT_FOUND')
    if (other) {
      throw new UpstreamUnavailableError(client.scrub(`HubSpot failed part of a batch: ${other.message} (${other.category})`).slice(0, 500))
    }
  }
}

/** An answer named a record nobody asked for: it is left out, and the request's log says so. */
function unasked(options: CallOptions, what: string, id: string): void {
  options.warn({ type: 'compatibility', message: `HubSpot answered for ${what} ${id}, which was not asked for; left out` })
}

/** HubSpot record ids are digits; anything else can only be refused, so it is refused here. */
function recordId(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined
  if (!isDigitsId(value)) throw new UpstreamRejectedError(`${field} must be a HubSpot record id (digits), got "${value.slice(0, 64)}"`)
  return value
}

