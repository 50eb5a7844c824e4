import type { CallOptions, NativeActivity, NativeActivityInput } from '../kit/spec.ts'
import type { Remembered } from '../coordination/remembered.ts'
import { withWrites } from '../idempotency/attempt-log.ts'
import type { Found } from '../idempotency/lost-creates.ts'
import { BadRequestError, NotSupportedError, UpstreamBadResponseError, UpstreamRejectedError } from '../errors.ts'
import type { ActivityCreate, ActivityOut } from '../contract/activities.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { formatUtc, parseDueDate } from '../contract/dates.ts'
import { encodeId } from '../contract/ids.ts'
import { MessageLog } from '../idempotency/message-log.ts'
import { gatewayReference, namingReferences, nativeReference, refuseMissing } from './references.ts'

const REFERENCES = ['ownerId', 'contactId', 'companyId'] as const

/**
 * Campaign messages as CRM activities. The same message sent again (same `metadata.messageId`)
 * answers the first activity and logs nothing new, however the first one's answer went: the
 * adapter finds it again where its CRM keeps the message id (`doFindByMessageId`), else the
 * gateway keeps the id, from before its create is sent (`message-log.ts`), and finds the activity
 * of a create whose answer was lost in the CRM (`createdLookup`). Two sends of one message at once
 * take turns (`keyed-lock.ts`), so the second finds the first.
 */
export class ActivityService {
  private readonly messages: MessageLog

  constructor(remembered: Remembered) {
    this.messages = new MessageLog(remembered)
  }

  async log(tenant: Tenant, body: ActivityCreate, options: CallOptions): Promise<{ activity: ActivityOut; created: boolean }> {
    const connection = tenant.active
    const port = connection.adapter.activities
    if (!port) throw new NotSupportedError('activities', connection.name)
    const input = toNativeActivity(tenant, connection, body)
    if (port.needsRecord && input.contactId === undefined && input.companyId === undefined) {
      throw new UpstreamRejectedError(`body/contactId: the CRM of connection "${connection.name}" keeps an activity only on a contact or a company; name one`)
    }
    await refuseMissing(connection, input, options)
    const run = <T>(work: () => Promise<T>) => connection.limit.run(options, work)
    const create = async (callOptions: CallOptions) =>
      toActivityOut(
        connection,
        await run(() => port.doCreate(input, callOptions)).catch((error: unknown) => {
          throw namingReferences(error, input)
        }),
      )
    const { messageId } = input
    if (messageId === undefined) return { activity: await create(options), created: true }
    return connection.locks.run([`activity\u0000${messageId}`], options, async () => {
      if (port.doFindByMessageId) {
        const found = await run(() => port.doFindByMessageId!(messageId, options))
        if (found) return { activity: toActivityOut(connection, found), created: false }
        return { activity: await create(options), created: true }
      }
      return this.messages.log(messageId, {
        connection: connection.name,
        occurredAt: input.occurredAt,
        deadline: options.deadline,
        create: (writes) => create(withWrites(options, writes)),
        find: (name, createdAfter, occurredAt) => findCreated(tenant, name, body, occurredAt, createdAfter, options),
      })
    })
  }
}

/**
 * The activities a create of `body`, dated `occurredAt`, made in the CRM of connection `name` at
 * `createdAfter` or later, and how long after an attempt that answer is sure; `undefined` when
 * that connection is gone from the tenant or its CRM cannot be searched so.
 */
async function findCreated(
  tenant: Tenant,
  name: string,
  body: ActivityCreate,
  occurredAt: number,
  createdAfter: number,
  options: CallOptions,
): Promise<Found<ActivityOut> | undefined> {
  const connection = tenant.connections.get(name)
  const lookup = connection?.adapter.activities?.createdLookup
  if (!connection || !lookup) return undefined
  const input = { ...toNativeActivity(tenant, connection, body), occurredAt }
  const found = await connection.limit.run(options, () => lookup.doFind({ input, createdAfter }, options))
  return { records: found.map((activity) => toActivityOut(connection, activity)), settleMs: lookup.settleMs }
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
