import type { CallOptions, ItemResult, NativeRecord, RecordInput, UpstreamClient } from '../../src/kit/spec.ts'
import { GatewayError, UpstreamBadResponseError, UpstreamRejectedError, UpstreamTimeoutError, UpstreamUnavailableError, done, failed, isDigitsId } from '../../src/kit/utils.ts'
import { BatchAnswer, type BatchError, parseAnswer } from './answers.ts'
import { hubspotErrorMessage } from './error-message.ts'
import { type ObjectReads, unasked } from './objects.ts'
import type { RecentlyCreated } from './recent.ts'
import type { RecordKind, RecordMapping } from './record-mapping.ts'
import { type BatchRefusal, namedBy, readRefusal } from './refusals.ts'
import { type PartRefusal, type Unwritten, sendSplittingRefused } from './refused-inputs.ts'
import type { Routes } from './routes.ts'

export type AnyRecord = NativeRecord<Record<string, unknown>>

export interface RecordWrites {
  /** The connection's name, for messages. */
  readonly connection: string
  readonly client: UpstreamClient
  readonly route: Routes
  readonly kind: RecordKind
  readonly mapping: RecordMapping
  readonly reads: ObjectReads
  readonly recent: RecentlyCreated<AnyRecord>
}

/** A create refused because the record exists: HubSpot's 409 `CONFLICT`, "Contact already exists.
 * Existing ID: 12345" (for a whole batch, or per input in a 207). */
interface Conflict {
  readonly message: string
  readonly existingId?: string
}

/** One batch create: its inputs, their properties, and each input's result as it comes. */
interface Creating {
  readonly w: RecordWrites
  readonly inputs: readonly RecordInput<Record<string, unknown>>[]
  readonly properties: readonly (Record<string, string> | undefined)[]
  readonly results: (ItemResult<AnyRecord> | undefined)[]
  /** The whole-batch 409s whose records were looked for already (by the existing id they name,
   * else their message): a part refused by the same conflict is split without looking again. */
  readonly looked: Set<string>
  readonly options: CallOptions
}

/**
 * Creates `inputs` with `batch/create` (the core sends at most 100), one result per input in
 * order. Results are matched to inputs by `objectWriteTraceId`, as HubSpot does not promise their
 * order. A record HubSpot refuses as a duplicate (a 409 CONFLICT naming the existing id: a
 * contact's e-mail, which HubSpot keeps unique, or a property the customer created unique) is
 * answered as the record that exists, never created twice; a conflict reported per input in a 207
 * (HubSpot's multi-status answer) concerns that input only. A batch HubSpot refuses as a whole is
 * sent again without the inputs found to exist or named as refused, or split until each refused
 * input stands alone (`refused-inputs.ts`).
 */
export async function createRecords(w: RecordWrites, inputs: readonly RecordInput<Record<string, unknown>>[], options: CallOptions) {
  const results: (ItemResult<AnyRecord> | undefined)[] = new Array(inputs.length).fill(undefined)
  const properties = await Promise.all(
    inputs.map((input, i) =>
      w.mapping.toProperties(input, options).catch((error: unknown) => {
        results[i] = failed(asGatewayError(error))
        return undefined
      }),
    ),
  )
  const creating: Creating = { w, inputs, properties, results, looked: new Set(), options }
  const pending = inputs.flatMap((_, i) => (results[i] === undefined ? [i] : []))
  const unwritten = await sendSplittingRefused(pending, (part) => createPart(creating, part), options)
  for (const [i, why] of unwritten) results[i] = failed(unwrittenError(w, why))
  return results.map((result) => result ?? failed(new UpstreamBadResponseError(`HubSpot's batch create answered nothing for one of the ${w.kind}`)))
}

/** Sends one part of a batch create, and applies what HubSpot answered to its inputs. */
async function createPart(c: Creating, part: readonly number[]): Promise<PartRefusal | undefined> {
  const { w, options } = c
  const what = `POST ${w.route.objectsCreate(w.kind)}`
  const body = { inputs: part.map((i) => ({ properties: c.properties[i]!, associations: [], objectWriteTraceId: String(i) })) }
  // A plain POST: the client re-sends it only when it surely was not processed.
  const response = await w.client.send({ method: 'POST', route: w.route.objectsCreate(w.kind), body, expect: [200, 201, 207, 400, 409], options })
  if (response.status === 400 || response.status === 409) return refusedCreate(c, part, readRefusal(response, 'objectWriteTraceId', what), response.status === 409)
  const answer = parseAnswer(response, BatchAnswer, what)
  const asked = new Set(part)
  const created = new Set<number>()
  for (const object of answer.results) {
    const i = traced(object.objectWriteTraceId)
    if (i === undefined || !asked.has(i)) {
      unasked(options, w.kind, object.id)
      continue
    }
    const record: AnyRecord = { ...c.inputs[i], ...w.mapping.fromObject(object), id: object.id }
    w.recent.add(record)
    c.results[i] = done(record)
    created.add(i)
  }
  const conflicts = new Map<number, Conflict>()
  for (const error of answer.errors ?? []) {
    const named = (error.context?.objectWriteTraceId ?? []).map((id) => traced(id)).filter((i) => i !== undefined && asked.has(i)) as number[]
    for (const i of named.length > 0 ? named : part.filter((i) => !created.has(i))) {
      if (error.category === 'CONFLICT') conflicts.set(i, conflictOf(error.message))
      else c.results[i] = failed(rejected(w, w.kind.slice(0, -1), describe(error)))
    }
  }
  if (conflicts.size === 0) return undefined
  const existing = await findExisting(w, c.inputs, [...conflicts.keys()], [...conflicts.values()].flatMap((conflict) => conflict.existingId ?? []), options)
  for (const [i, conflict] of conflicts) c.results[i] = existing.has(i) ? done(existing.get(i)!) : failed(rejected(w, w.kind.slice(0, -1), conflict.message))
  return undefined
}

/**
 * A part HubSpot refused as a whole. After a 409, the inputs whose record exists (found by their
 * e-mail, or by the id the conflict names, the first time that conflict comes) are answered as
 * that record; the inputs the refusal names are refused. The rest is sent again.
 */
async function refusedCreate(c: Creating, part: readonly number[], refusal: BatchRefusal, conflict: boolean): Promise<PartRefusal> {
  const { w } = c
  const settled = new Set<number>()
  const { existingId } = conflictOf(refusal.message)
  if (conflict && !c.looked.has(existingId ?? refusal.message)) {
    c.looked.add(existingId ?? refusal.message)
    const existing = await findExisting(w, c.inputs, part, existingId === undefined ? [] : [existingId], c.options)
    for (const [i, record] of existing) {
      c.results[i] = done(record)
      settled.add(i)
    }
  }
  const reason = rejected(w, w.kind.slice(0, -1), refusal.reason)
  for (const i of namedBy(refusal, part, String, (i) => c.properties[i]!)) {
    if (settled.has(i)) continue
    c.results[i] = failed(reason)
    settled.add(i)
  }
  return { reason: reason.message, settled }
}

/**
 * The records that made HubSpot refuse a create: read by the ids its messages name, and, for
 * contacts, by e-mail (HubSpot's own unique key, in case a message names none). An input is
 * answered as the record that holds its e-mail address or its Enginy id (a property the customer
 * may have created with unique values, which HubSpot then refuses twice too).
 */
async function findExisting(w: RecordWrites, inputs: readonly RecordInput<Record<string, unknown>>[], indexes: readonly number[], existingIds: readonly string[], options: CallOptions) {
  // E-mail addresses compare without regard to case; Enginy's ids as they are, trimmed.
  const keys = (fields: Readonly<Record<string, unknown>>) => [
    ...(typeof fields.email === 'string' ? [`email\u0000${fields.email.trim().toLowerCase()}`] : []),
    ...(typeof fields.externalId === 'string' ? [`externalId\u0000${fields.externalId.trim()}`] : []),
  ]
  const emails = indexes.flatMap((i) => (typeof inputs[i]!.email === 'string' ? [(inputs[i]!.email as string).trim().toLowerCase()] : []))
  const byEmail = w.mapping.property.get('email') === 'email' && emails.length > 0 ? await w.reads.byProperty('email', emails, w.mapping.read, options) : []
  const seen = new Set(byEmail.map((object) => object.id))
  const ids = [...new Set(existingIds)].filter((id) => !seen.has(id))
  const byId = ids.length === 0 ? [] : await w.reads.byIds(ids, w.mapping.read, options)
  const holders = new Map<string, AnyRecord>()
  for (const object of [...byEmail, ...byId]) {
    const record = w.mapping.fromObject(object)
    for (const key of keys(record)) if (!holders.has(key)) holders.set(key, record)
  }
  const found = new Map<number, AnyRecord>()
  for (const i of indexes) {
    const record = keys(inputs[i]!).map((key) => holders.get(key)).find((holder) => holder !== undefined)
    if (record) found.set(i, record)
  }
  return found
}

function conflictOf(message: string): Conflict {
  const id = /Existing ID:\s*(\d+)/i.exec(message)?.[1]
  return { message, ...(id !== undefined && isDigitsId(id) && { existingId: id }) }
}

function traced(trace: unknown): number | undefined {
  return typeof trace === 'string' && /^\d{1,3}$/.test(trace) ? Number(trace) : undefined
}

export function describe(error: BatchError): string {
  return hubspotErrorMessage(error) ?? error.category
}

/** HubSpot refused `what` (the kind's singular, or "update"): its reason, scrubbed of credentials. */
export function rejected(w: RecordWrites, what: string, reason: string): UpstreamRejectedError {
  return new UpstreamRejectedError(w.client.scrub(`HubSpot refused the ${what}: ${reason}`).slice(0, 500))
}

/** The error an input that was not written is reported with. */
export function unwrittenError(w: RecordWrites, why: Unwritten): GatewayError {
  if ('refused' in why) return new UpstreamRejectedError(why.refused)
  if ('failed' in why) return asGatewayError(why.failed)
  return new UpstreamTimeoutError(w.connection, `the request's deadline came before the ${w.kind.slice(0, -1)} could be sent to HubSpot again`)
}

export function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : new UpstreamUnavailableError(error instanceof Error ? error.message : String(error), undefined, { cause: error })
}
