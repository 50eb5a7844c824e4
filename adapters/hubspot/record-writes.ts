import {
  type CallOptions,
  GatewayError,
  type ItemResult,
  type NativeRecord,
  type RecordInput,
  type RecordPatch,
  type UpstreamClient,
  UpstreamBadResponseError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  done,
  failed,
  isDigitsId,
  missing,
} from '../../src/kit/adapter-kit.ts'
import { BatchAnswer, type BatchError, type CrmObject, ErrorBody, parseAnswer } from './answers.ts'
import { hubspotErrorMessage } from './errors.ts'
import { type ObjectReads, missingIds, unasked } from './objects.ts'
import type { RecentlyCreated } from './recent.ts'
import type { RecordKind, RecordMapping } from './record-mapping.ts'
import type { Routes } from './routes.ts'

type AnyRecord = NativeRecord<Record<string, unknown>>

export interface RecordWrites {
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

/** How often a batch refused by a conflict is sent again without the inputs that turned out to
 * exist: each round takes out at least one, so this only bounds a CRM that keeps refusing. */
const MAX_ROUNDS = 3

/**
 * Creates `inputs` with one `batch/create` (the core sends at most 100), one result per input in
 * order. Results are matched to inputs by `objectWriteTraceId`, as HubSpot does not promise their
 * order. A record HubSpot refuses as a duplicate (a 409 CONFLICT naming the existing id: a
 * contact's e-mail, which HubSpot keeps unique, or a property the customer created unique) is
 * answered as the record that exists, never created twice. A 409 refuses the whole batch, so the
 * inputs that turn out not to exist are sent again; a conflict reported per input in a 207
 * (HubSpot's multi-status answer) concerns that input only.
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
  let pending = inputs.flatMap((_, i) => (results[i] === undefined ? [i] : []))
  for (let round = 0; pending.length > 0; round++) {
    const sent = await createOnce(w, pending, properties, options)
    for (const [i, object] of sent.created) {
      const record: AnyRecord = { ...inputs[i], ...w.mapping.fromObject(object), id: object.id }
      w.recent.add(record)
      results[i] = done(record)
    }
    for (const [i, error] of sent.failed) results[i] = failed(error)
    if (sent.conflicts.size === 0) break
    const existing = await findExisting(w, inputs, [...sent.conflicts.keys()], sent.conflicts, options)
    for (const [i, record] of existing) results[i] = done(record)
    // What is left fails when a per-input conflict named it; after a 409 that refused the whole
    // batch it is sent again, unless nothing was found (then the 409 stands for all of it).
    const left = [...sent.conflicts.keys()].filter((i) => !existing.has(i))
    const rejected = (i: number) => new UpstreamRejectedError(w.client.scrub(`HubSpot refused the ${w.kind.slice(0, -1)}: ${sent.conflicts.get(i)!.message}`).slice(0, 500))
    if (!sent.whole || existing.size === 0 || round + 1 >= MAX_ROUNDS) {
      for (const i of left) results[i] = failed(rejected(i))
      break
    }
    pending = left
  }
  return results.map((result) => result ?? failed(new UpstreamBadResponseError(`HubSpot's batch create answered nothing for one of the ${w.kind}`)))
}

interface Sent {
  readonly created: Map<number, CrmObject>
  readonly failed: Map<number, GatewayError>
  readonly conflicts: Map<number, Conflict>
  /** A 409 refused the whole batch: nothing was created. */
  readonly whole: boolean
}

async function createOnce(w: RecordWrites, pending: readonly number[], properties: readonly (Record<string, string> | undefined)[], options: CallOptions): Promise<Sent> {
  const sent: Sent = { created: new Map(), failed: new Map(), conflicts: new Map(), whole: false }
  const body = { inputs: pending.map((i) => ({ properties: properties[i]!, associations: [], objectWriteTraceId: String(i) })) }
  // A plain POST: the client re-sends it only when it surely was not processed.
  const response = await w.client.send({ method: 'POST', route: w.route.objectsCreate(w.kind), body, expect: [200, 201, 207, 409], options })
  if (response.status === 409) {
    const conflict = conflictOf(parseAnswer(response, ErrorBody, `POST ${w.route.objectsCreate(w.kind)}`))
    for (const i of pending) sent.conflicts.set(i, conflict)
    return { ...sent, whole: true }
  }
  const answer = parseAnswer(response, BatchAnswer, `POST ${w.route.objectsCreate(w.kind)}`)
  const asked = new Set(pending)
  for (const object of answer.results) {
    const i = traced(object.objectWriteTraceId)
    if (i !== undefined && asked.has(i)) sent.created.set(i, object)
    else unasked(options, w.kind, object.id)
  }
  for (const error of answer.errors ?? []) {
    const named = (error.context?.objectWriteTraceId ?? []).map((id) => traced(id)).filter((i) => i !== undefined && asked.has(i)) as number[]
    for (const i of named.length > 0 ? named : pending.filter((i) => !sent.created.has(i))) {
      if (error.category === 'CONFLICT') sent.conflicts.set(i, conflictOf(error))
      else sent.failed.set(i, new UpstreamRejectedError(w.client.scrub(`HubSpot refused the ${w.kind.slice(0, -1)}: ${describe(error)}`).slice(0, 500)))
    }
  }
  return sent
}

/**
 * The records that made HubSpot refuse a create: read by the ids its messages name, and, for
 * contacts, by e-mail (HubSpot's own unique key, in case a message names none). An input is
 * answered as the record that holds its e-mail address or its Enginy id (a property the customer
 * may have created with unique values, which HubSpot then refuses twice too).
 */
async function findExisting(w: RecordWrites, inputs: readonly RecordInput<Record<string, unknown>>[], indexes: readonly number[], conflicts: ReadonlyMap<number, Conflict>, options: CallOptions) {
  // E-mail addresses compare without regard to case; Enginy's ids as they are, trimmed.
  const keys = (fields: Readonly<Record<string, unknown>>) => [
    ...(typeof fields.email === 'string' ? [`email\u0000${fields.email.trim().toLowerCase()}`] : []),
    ...(typeof fields.externalId === 'string' ? [`externalId\u0000${fields.externalId.trim()}`] : []),
  ]
  const emails = indexes.flatMap((i) => (typeof inputs[i]!.email === 'string' ? [(inputs[i]!.email as string).trim().toLowerCase()] : []))
  const byEmail = w.mapping.property.get('email') === 'email' && emails.length > 0 ? await w.reads.byProperty('email', emails, w.mapping.read, options) : []
  const seen = new Set(byEmail.map((object) => object.id))
  const ids = [...new Set(indexes.flatMap((i) => conflicts.get(i)?.existingId ?? []))].filter((id) => !seen.has(id))
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

/**
 * Changes each record with one `batch/update` (the core sends at most 100); one result per patch,
 * in order: `missing` for an id HubSpot reports missing. Patches of one record are merged into one
 * input, as HubSpot refuses a batch naming an id twice.
 */
export async function updateRecords(w: RecordWrites, patches: readonly RecordPatch<Record<string, unknown>>[], options: CallOptions) {
  const merged = new Map<string, RecordInput<Record<string, unknown>>>()
  for (const { id, fields } of patches) {
    const before = merged.get(id)
    merged.set(id, before ? { ...before, ...fields, extra: { ...before.extra, ...fields.extra } } : fields)
  }
  const outcome = new Map<string, ItemResult<AnyRecord>>()
  const inputs: { id: string; properties: Record<string, string> }[] = []
  for (const [id, fields] of merged) {
    w.recent.forget(id)
    try {
      inputs.push({ id, properties: await w.mapping.toProperties(fields, options) })
    } catch (error) {
      outcome.set(id, failed(asGatewayError(error)))
    }
  }
  if (inputs.length > 0) {
    const answer = await w.client.json(
      // Setting the same values again is harmless: a status update is retried like a read.
      { method: 'POST', route: w.route.objectsUpdate(w.kind), body: { inputs }, idempotent: true, expect: [200, 207], options },
      BatchAnswer,
    )
    for (const object of answer.results) {
      if (merged.has(object.id)) outcome.set(object.id, done({ ...merged.get(object.id), ...w.mapping.fromObject(object), id: object.id }))
      else unasked(options, w.kind, object.id)
    }
    const gone = missingIds(answer.errors)
    for (const { id } of inputs) if (gone.has(id) && !outcome.has(id)) outcome.set(id, missing)
    const other = answer.errors?.find((error) => error.category !== 'OBJECT_NOT_FOUND')
    if (other) {
      const error = new UpstreamRejectedError(w.client.scrub(`HubSpot refused the update: ${describe(other)}`).slice(0, 500))
      for (const { id } of inputs) if (!outcome.has(id)) outcome.set(id, failed(error))
    }
  }
  return patches.map(({ id }) => outcome.get(id) ?? failed(new UpstreamBadResponseError(`HubSpot's batch update answered nothing for ${w.kind.slice(0, -1)} ${id}`)))
}

function conflictOf(error: { message: string }): Conflict {
  const id = /Existing ID:\s*(\d+)/i.exec(error.message)?.[1]
  return { message: error.message, ...(id !== undefined && isDigitsId(id) && { existingId: id }) }
}

function traced(trace: unknown): number | undefined {
  return typeof trace === 'string' && /^\d{1,3}$/.test(trace) ? Number(trace) : undefined
}

function describe(error: BatchError): string {
  return hubspotErrorMessage(error) ?? error.category
}

function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : new UpstreamUnavailableError(error instanceof Error ? error.message : String(error))
}
