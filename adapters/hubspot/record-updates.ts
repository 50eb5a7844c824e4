import type { CallOptions, ItemResult, RecordInput, RecordPatch } from '../../src/kit/spec.ts'
import { UpstreamBadResponseError, done, failed, missing } from '../../src/kit/utils.ts'
import { BatchAnswer, parseAnswer } from './answers.ts'
import { missingIds, unasked } from './objects.ts'
import { type AnyRecord, type RecordWrites, asGatewayError, describe, rejected, unwrittenError } from './record-writes.ts'
import { namedBy, readRefusal } from './refusals.ts'
import { type PartRefusal, sendSplittingRefused } from './refused-inputs.ts'

interface Input {
  readonly id: string
  readonly properties: Record<string, string>
}

/** One batch update: its inputs, the patches merged per record, and each record's result as it comes. */
interface Updating {
  readonly w: RecordWrites
  readonly inputs: readonly Input[]
  readonly merged: ReadonlyMap<string, RecordInput<Record<string, unknown>>>
  readonly outcome: Map<string, ItemResult<AnyRecord>>
  readonly options: CallOptions
}

/**
 * Changes each record with `batch/update` (the core sends at most 100); one result per patch, in
 * order: `missing` for an id HubSpot reports missing. Patches of one record are merged into one
 * input, as HubSpot refuses a batch naming an id twice. A batch HubSpot refuses as a whole (an
 * owner the portal lacks, an e-mail another contact holds: a 409) is sent again without the inputs
 * it names, or split until each refused input stands alone (`refused-inputs.ts`).
 */
export async function updateRecords(w: RecordWrites, patches: readonly RecordPatch<Record<string, unknown>>[], options: CallOptions) {
  const merged = new Map<string, RecordInput<Record<string, unknown>>>()
  for (const { id, fields } of patches) {
    const before = merged.get(id)
    merged.set(id, before ? { ...before, ...fields, extra: { ...before.extra, ...fields.extra } } : fields)
  }
  const outcome = new Map<string, ItemResult<AnyRecord>>()
  const inputs: Input[] = []
  for (const [id, fields] of merged) {
    try {
      inputs.push({ id, properties: await w.mapping.toProperties(fields, options) })
    } catch (error) {
      outcome.set(id, failed(asGatewayError(error)))
    }
  }
  const updating: Updating = { w, inputs, merged, outcome, options }
  const unwritten = await sendSplittingRefused(
    inputs.map((_, i) => i),
    (part) => updatePart(updating, part),
    options,
  )
  for (const [i, why] of unwritten) outcome.set(inputs[i]!.id, failed(unwrittenError(w, why)))
  return patches.map(({ id }) => outcome.get(id) ?? failed(new UpstreamBadResponseError(`HubSpot's batch update answered nothing for ${w.kind.slice(0, -1)} ${id}`)))
}

/** Sends one part of a batch update, and applies what HubSpot answered to its records. */
async function updatePart(u: Updating, part: readonly number[]): Promise<PartRefusal | undefined> {
  const { w, outcome, options } = u
  const what = `POST ${w.route.objectsUpdate(w.kind)}`
  const inputs = part.map((i) => u.inputs[i]!)
  // Setting the same values again is harmless: a status update is retried like a read.
  const call = { method: 'POST', route: w.route.objectsUpdate(w.kind), body: { inputs }, idempotent: true, expect: [200, 207, 400, 409], options } as const
  const response = await w.client.send(call)
  if (response.status === 400 || response.status === 409) {
    const refusal = readRefusal(response, 'ids', what)
    const reason = rejected(w, 'update', refusal.reason)
    const named = namedBy(refusal, part, (i) => u.inputs[i]!.id, (i) => u.inputs[i]!.properties)
    for (const i of named) outcome.set(u.inputs[i]!.id, failed(reason))
    return { reason: reason.message, settled: new Set(named) }
  }
  const answer = parseAnswer(response, BatchAnswer, what)
  const asked = new Set(inputs.map(({ id }) => id))
  for (const object of answer.results) {
    if (!asked.has(object.id)) {
      unasked(options, w.kind, object.id)
      continue
    }
    outcome.set(object.id, done({ ...u.merged.get(object.id), ...w.mapping.fromObject(object), id: object.id }))
    w.recent.changed(object.id, u.merged.get(object.id)!)
  }
  const gone = missingIds(answer.errors)
  for (const id of asked) if (gone.has(id) && !outcome.has(id)) outcome.set(id, missing)
  const other = answer.errors?.find((error) => error.category !== 'OBJECT_NOT_FOUND')
  if (other) {
    const error = rejected(w, 'update', describe(other))
    for (const id of asked) if (!outcome.has(id)) outcome.set(id, failed(error))
  }
  return undefined
}
