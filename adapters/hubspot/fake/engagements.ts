import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import { type Validator, batchAnswer, error } from './answers.ts'
import type { ObjectStore } from './objects.ts'
import { recordRequests } from './schemas.ts'

export type EngagementType = 'emails' | 'communications'

/** HUBSPOT_DEFINED association types from each engagement, by target. */
const TYPES: Record<EngagementType, Record<number, 'contacts' | 'companies'>> = {
  emails: { 198: 'contacts', 186: 'companies' },
  communications: { 81: 'contacts', 87: 'companies' },
}
/** Ids of one association batch read. */
const MAX_READ = 1000
/** Properties HubSpot requires on create. */
const REQUIRED: Record<EngagementType, string[]> = {
  emails: ['hs_timestamp'],
  communications: ['hs_timestamp', 'hs_communication_channel_type'],
}

export interface Engagement {
  readonly contacts: Set<string>
  readonly companies: Set<string>
}

/**
 * Emails and communications logged through `POST /crm/objects/2026-09/{emails|communications}`,
 * each with its associations: association types valid from that engagement only, to records
 * that exist; a custom property with unique values refused twice with a 409. Their associations
 * are read with the v4 batch read (`/crm/associations/2026-09/emails/contacts/batch/read`): an
 * engagement with none of that kind is an `OBJECT_NOT_FOUND` error of a 207.
 */
export class Engagements {
  readonly associations = new Map<string, Engagement>()

  constructor(
    readonly store: ObjectStore,
    private readonly records: { contacts: ObjectStore; companies: ObjectStore },
    private readonly v: Validator,
  ) {}

  get type(): EngagementType {
    return this.store.type as EngagementType
  }

  create(r: SeenRequest): Step {
    const operation = `create ${this.type}`
    const bad = this.v.check(recordRequests.create, r.body, operation)
    if (bad) return bad
    const body = r.body as { properties: Record<string, string>; associations: { to: { id: string }; types: { associationTypeId: number }[] }[] }
    const absent = REQUIRED[this.type].filter((name) => body.properties[name] === undefined)
    if (absent.length > 0) return this.v.refuse(operation, `${absent.join(', ')} is required`)
    const refused = this.store.refuseValues(operation, body.properties)
    if (refused) return refused
    const links: Engagement = { contacts: new Set(), companies: new Set() }
    for (const association of body.associations) {
      const typeId = association.types[0]?.associationTypeId ?? -1
      const target = TYPES[this.type][typeId]
      if (!target) return this.v.refuse(operation, `association type ${typeId} is not valid from ${this.type}`)
      if (!this.records[target].has(association.to.id)) return error(400, 'VALIDATION_ERROR', `${target} ${association.to.id} does not exist`)
      links[target].add(association.to.id)
    }
    const holder = this.store.holder(body.properties)
    if (holder) return this.store.conflict(holder)
    const object = this.store.add(body.properties)
    this.associations.set(object.id, links)
    return { status: 201, body: this.store.view(object, Object.keys(body.properties)) }
  }

  readLinks(to: 'contacts' | 'companies', r: SeenRequest): Step {
    const operation = `associations/${this.type}/${to}/batch/read`
    const bad = this.v.check(recordRequests.associationsRead, r.body, operation)
    if (bad) return bad
    const { inputs } = r.body as { inputs: { id: string }[] }
    if (inputs.length > MAX_READ) return this.v.tooMany(operation, inputs.length, MAX_READ)
    const typeId = Number(Object.entries(TYPES[this.type]).find(([, target]) => target === to)![0])
    const results = []
    const none = []
    for (const { id } of inputs) {
      const linked = this.associations.get(id)?.[to]
      if (!linked || linked.size === 0) {
        none.push(id)
        continue
      }
      results.push({ from: { id }, to: [...linked].map((toId) => ({ toObjectId: Number(toId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: null }] })) })
    }
    return batchAnswer(results, none, this.type.slice(0, -1).toUpperCase())
  }
}
