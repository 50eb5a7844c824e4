import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import { type Validator, batchAnswer, error } from './answers.ts'
import { type ObjectType, type PropertyDefinition, type ValidationRule, invalidBody, invalidValue } from './properties.ts'
import { recordRequests } from './schemas.ts'

export interface StoredObject {
  readonly id: string
  readonly properties: Record<string, string>
  readonly createdAt: string
  updatedAt: string
  /** When search starts seeing it: HubSpot indexes new records "a few moments" after a write. */
  searchableAt: number
}

const MAX_INPUTS = 100
/** The folded form HubSpot compares unique values in (e-mail addresses are case-insensitive). */
const fold = (value: string) => value.trim().toLowerCase()

/**
 * One kind of CRM object in the fake portal, with HubSpot's batch read, create and update: 100
 * inputs a call, unique properties (a contact's `email`, custom ones created unique) refused twice
 * with a 409 CONFLICT naming the existing id, ids HubSpot does not hold reported in a 207.
 *
 * One refused input refuses a whole batch create or update, which then writes nothing: a 400
 * `VALIDATION_ERROR` for a value (an owner the portal lacks, a portal's validation rule), a 409
 * `CONFLICT` for a unique value another record holds, as on create ("Contact already exists.
 * Existing ID: 501"; for an e-mail changed by an update too). HubSpot reports the first refused
 * input it meets, not every one (hubspot-api-python#51: two existing e-mails, one 409 naming the
 * first). Its answer names the property, not the input (`properties.ts`); with
 * `namesInputs` it names the input too, in the error's `context`, by `objectWriteTraceId` on
 * create and `ids` on update: the keys HubSpot's batch errors tie items by (its error-handling
 * guide, multi-status errors; `OBJECT_NOT_FOUND`'s `context.ids`), though no public answer was
 * found that names an input of a whole refused batch.
 */
export class ObjectStore {
  readonly objects = new Map<string, StoredObject>()
  /** The portal's validation rules (`properties.ts`), as a test sets them. */
  readonly rules: ValidationRule[] = []
  /** Whether a refused batch names its refused input (see above). */
  namesInputs = false

  constructor(
    readonly type: ObjectType,
    readonly definitions: Map<string, PropertyDefinition>,
    private readonly v: Validator,
    private readonly nextId: () => string,
    private readonly owners: () => readonly { id: string }[],
    private readonly searchLagMs: () => number,
  ) {}

  has(id: string): boolean {
    return this.objects.has(id)
  }

  /** Adds an object as a portal would hold it (seeded data, or a write already checked). */
  add(properties: Record<string, string>, id = this.nextId()): StoredObject {
    const now = new Date().toISOString()
    const object: StoredObject = { id, properties: { ...properties }, createdAt: now, updatedAt: now, searchableAt: Date.now() + this.searchLagMs() }
    this.objects.set(object.id, object)
    return object
  }

  /** The object as HubSpot answers it: the requested properties (`null` where unset) and a few
   * it always sends. */
  view(object: StoredObject, requested: readonly string[], extra: Record<string, unknown> = {}) {
    const names = new Set(['hs_object_id', 'createdate', ...requested])
    return {
      id: object.id,
      properties: Object.fromEntries(
        [...names].map((name) => [name, name === 'hs_object_id' ? object.id : name === 'createdate' ? object.createdAt : (object.properties[name] ?? null)]),
      ),
      createdAt: object.createdAt,
      updatedAt: object.updatedAt,
      archived: false,
      ...extra,
    }
  }

  /** A write's values refused the way HubSpot refuses them, or `undefined`. */
  refuseValues(operation: string, values: Record<string, string>): Step | undefined {
    const invalid = invalidValue(this.definitions, values, this.owners(), this.rules)
    if (!invalid) return undefined
    const { message, errors } = invalidBody(invalid)
    return this.v.refuse(operation, message, '', invalid.caller, { errors })
  }

  /** The object already holding one of `values`' unique values, other than `except`. */
  holder(values: Record<string, string>, except?: string): { object: StoredObject; property: string } | undefined {
    for (const [name, value] of Object.entries(values)) {
      if (!this.definitions.get(name)?.hasUniqueValue || value === '') continue
      for (const object of this.objects.values()) {
        if (object.id !== except && object.properties[name] !== undefined && fold(object.properties[name]) === fold(value)) return { object, property: name }
      }
    }
    return undefined
  }

  /** HubSpot's 409 for a unique value that exists: "Contact already exists. Existing ID: 501". */
  conflict(holder: { object: StoredObject; property: string }): Step {
    const what = this.type === 'contacts' ? 'Contact' : `${this.type.slice(0, -1)} with this ${holder.property}`
    return error(409, 'CONFLICT', `${what[0]!.toUpperCase()}${what.slice(1)} already exists. Existing ID: ${holder.object.id}`)
  }

  batchRead(r: SeenRequest): Step {
    const operation = `${this.type}/batch/read`
    const bad = this.v.check(recordRequests.batchRead, r.body, operation)
    if (bad) return bad
    const body = r.body as { inputs: { id: string }[]; properties: string[]; idProperty?: string }
    if (body.inputs.length > MAX_INPUTS) return this.v.tooMany(operation, body.inputs.length, MAX_INPUTS)
    const by = body.idProperty
    if (by !== undefined && !this.definitions.get(by)?.hasUniqueValue) return this.v.refuse(operation, `${by} is not a unique property and cannot be an idProperty`)
    const find = (id: string) =>
      by === undefined ? this.objects.get(id) : [...this.objects.values()].find((o) => o.properties[by] !== undefined && fold(o.properties[by]) === fold(id))
    const found = new Map<string, StoredObject>()
    const missing: string[] = []
    for (const { id } of body.inputs) {
      const object = find(id)
      if (object) found.set(object.id, object)
      else missing.push(id)
    }
    return batchAnswer([...found.values()].map((object) => this.view(object, body.properties)), missing, this.type.slice(0, -1).toUpperCase())
  }

  batchCreate(r: SeenRequest): Step {
    const operation = `${this.type}/batch/create`
    const bad = this.v.check(recordRequests.batchCreate, r.body, operation)
    if (bad) return bad
    const { inputs } = r.body as { inputs: { properties: Record<string, string>; objectWriteTraceId?: string }[] }
    if (inputs.length > MAX_INPUTS) return this.v.tooMany(operation, inputs.length, MAX_INPUTS)
    for (const [i, input] of inputs.entries()) {
      const held = this.holder(input.properties)
      const refused = this.refuseValues(operation, input.properties) ?? (held && this.conflict(held))
      if (refused) return this.naming(refused, 'objectWriteTraceId', input.objectWriteTraceId)
      const twin = inputs.findIndex((other, j) => j < i && this.sameUnique(other.properties, input.properties))
      if (twin >= 0) return this.v.refuse(operation, `inputs ${twin} and ${i} have the same unique value`)
    }
    // All or nothing, as HubSpot's batch create without multi-status errors.
    const created = inputs.map((input) => ({ object: this.add(input.properties), trace: input.objectWriteTraceId }))
    const now = new Date().toISOString()
    // HubSpot does not promise the order of results: answered backwards, so nothing relies on it.
    const results = created.reverse().map(({ object, trace }) => this.view(object, Object.keys(object.properties), trace === undefined ? {} : { objectWriteTraceId: trace }))
    return { status: 201, body: { status: 'COMPLETE', results, startedAt: now, completedAt: now } }
  }

  batchUpdate(r: SeenRequest): Step {
    const operation = `${this.type}/batch/update`
    const bad = this.v.check(recordRequests.batchUpdate, r.body, operation)
    if (bad) return bad
    const { inputs } = r.body as { inputs: { id: string; properties: Record<string, string> }[] }
    if (inputs.length > MAX_INPUTS) return this.v.tooMany(operation, inputs.length, MAX_INPUTS)
    const ids = inputs.map((input) => input.id)
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i)
    if (twice.length > 0) return this.v.refuse(operation, `Duplicate IDs found in batch input: [${[...new Set(twice)].join(', ')}]`)
    for (const input of inputs) {
      const held = this.holder(input.properties, input.id)
      const refused = this.refuseValues(operation, input.properties) ?? (held && this.conflict(held))
      if (refused) return this.naming(refused, 'ids', input.id)
    }
    const updated = []
    const missing = []
    for (const input of inputs) {
      const object = this.objects.get(input.id)
      if (!object) {
        missing.push(input.id)
        continue
      }
      Object.assign(object.properties, input.properties)
      object.updatedAt = new Date().toISOString()
      // Like HubSpot, the answer holds the changed properties, not the whole object.
      updated.push(this.view(object, Object.keys(input.properties)))
    }
    return batchAnswer(updated, missing, this.type.slice(0, -1).toUpperCase())
  }

  /** A refusal of the whole batch, naming the input that caused it where `namesInputs` says so. */
  private naming(refusal: Step, key: string, value: string | undefined): Step {
    if (!this.namesInputs || value === undefined) return refusal
    return { ...refusal, body: { ...(refusal.body as object), context: { [key]: [value] } } }
  }

  private sameUnique(a: Record<string, string>, b: Record<string, string>): boolean {
    return Object.entries(a).some(([name, value]) => this.definitions.get(name)?.hasUniqueValue && b[name] !== undefined && value !== '' && fold(b[name]) === fold(value))
  }
}
