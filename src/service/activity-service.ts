import type { NativeActivity, NativeActivityInput } from '../adapter/activities.ts'
import type { CallOptions } from '../adapter/common.ts'
import type { Remembered } from '../coordination/remembered.ts'
import { BadRequestError, NotSupportedError, UpstreamBadResponseError } from '../errors.ts'
import type { ActivityCreate, ActivityOut } from '../http/schemas/activities.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { formatUtc, parseDueDate } from './dates.ts'
import { encodeId } from './ids.ts'
import { gatewayReference, namingReferences, nativeReference, refuseMissing } from './references.ts'

const REFERENCES = ['ownerId', 'contactId', 'companyId'] as const

/**
 * Campaign messages as CRM activities. The same message sent again (same `metadata.messageId`)
 * answers the first activity and logs nothing new: the adapter finds it again where it can
 * (`doFindByMessageId`), else the gateway remembers the ids it logged (`Remembered`). Two sends of
 * one message at once take turns (`keyed-lock.ts`), so the second finds the first.
 */
export class ActivityService {
  constructor(private readonly remembered: Remembered) {}

  async log(tenant: Tenant, body: ActivityCreate, options: CallOptions): Promise<{ activity: ActivityOut; created: boolean }> {
    const connection = tenant.active
    const port = connection.adapter.activities
    if (!port) throw new NotSupportedError('activities', connection.name)
    const input = toNativeActivity(tenant, connection, body)
    await refuseMissing(connection, input, options)
    const run = <T>(work: () => Promise<T>) => connection.limit.run(options, work)
    const create = () =>
      run(() => port.doCreate(input, options)).catch((error: unknown) => {
        throw namingReferences(error, input)
      })
    const { messageId } = input
    if (messageId === undefined) return { activity: toActivityOut(connection, await create()), created: true }
    return connection.locks.run([`activity\u0000${messageId}`], options, async () => {
      if (port.doFindByMessageId) {
        const found = await run(() => port.doFindByMessageId!(messageId, options))
        if (found) return { activity: toActivityOut(connection, found), created: false }
        return { activity: toActivityOut(connection, await create()), created: true }
      }
      const known = await this.remembered.get(connection.name, messageId)
      if (known) return { activity: inOneFormat(JSON.parse(known) as ActivityOut), created: false }
      const activity = toActivityOut(connection, await create())
      await this.remembered.set(connection.name, messageId, JSON.stringify(activity))
      return { activity, created: true }
    })
  }
}

function toNativeActivity(tenant: Tenant, connection: Connection, body: ActivityCreate): NativeActivityInput {
  let occurredAt = Date.now()
  if (body.occurredAt !== undefined) {
    const at = parseDueDate(body.occurredAt)
    if (at === undefined) throw new BadRequestError('body/occurredAt must be an ISO 8601 date or date-time')
    occurredAt = at
  }
  const input: NativeActivityInput = { type: body.type, occurredAt }
  if (body.direction !== undefined) input.direction = body.direction
  if (body.subject !== undefined) input.subject = body.subject
  if (body.body !== undefined) input.body = body.body
  for (const field of REFERENCES) {
    const value = body[field]
    if (value !== undefined) input[field] = nativeReference(tenant, connection, field, value)
  }
  if (body.metadata !== undefined) {
    input.metadata = body.metadata
    const messageId = body.metadata.messageId
    if (messageId !== undefined) input.messageId = String(messageId)
  }
  return input
}

function toActivityOut(connection: Connection, activity: NativeActivity): ActivityOut {
  // As for tasks (`task-answer.ts`): an id or time the CRM should not have sent is its fault.
  const occurredAt = formatUtc(activity.occurredAt)
  if (!connection.adapter.activities?.isNativeId(activity.id) || occurredAt === undefined) {
    throw new UpstreamBadResponseError(`the CRM of connection "${connection.name}" answered an activity it cannot have logged`)
  }
  const out: ActivityOut = { id: encodeId(connection.name, activity.id) ?? activity.id, type: activity.type, occurredAt }
  if (activity.direction !== undefined) out.direction = activity.direction
  if (activity.subject !== undefined) out.subject = activity.subject
  for (const field of REFERENCES) {
    const value = activity[field]
    if (value !== undefined) out[field] = gatewayReference(connection, value)
  }
  return out
}

/** An activity remembered by an older version may hold another date form than today's one. */
function inOneFormat(activity: ActivityOut): ActivityOut {
  return { ...activity, occurredAt: formatUtc(Date.parse(activity.occurredAt)) ?? activity.occurredAt }
}
