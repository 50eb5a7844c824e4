import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { CallOptions, NativeCompany, NativeContact, NativeTask, UpstreamClient, WebhookChange, WebhookPort } from '../../src/kit/spec.ts'
import { UpstreamBadResponseError } from '../../src/kit/utils.ts'
import { type Organization, Person } from './record-schemas.ts'
import { Organization as OrganizationSchema } from './record-schemas.ts'
import { Activity } from './schemas.ts'
import { parseTime } from './times.ts'

const WEBHOOKS = '/api/v1/webhooks'
const ONE = `${WEBHOOKS}/{id}`
/** The objects whose events the mirror takes, and the kind each is. */
const OBJECTS = { activity: 'tasks', person: 'contacts', organization: 'companies' } as const

const Listed = Type.Object({
  success: Type.Literal(true),
  data: Type.Union([
    Type.Array(
      Type.Object({
        id: Type.Integer({ minimum: 1 }),
        subscription_url: Type.String(),
        event_object: Type.String(),
        event_action: Type.String(),
        http_auth_user: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        version: Type.Optional(Type.String()),
      }),
    ),
    Type.Null(),
  ]),
})
const Made = Type.Object({ success: Type.Literal(true) })

/** A webhooks v2 event: `meta` says what happened to which record, `data` is the record (v2's
 * form) after it, null for a delete. */
const Event = Type.Object({
  meta: Type.Object({
    action: Type.String(),
    entity: Type.String(),
    entity_id: Type.Union([Type.String({ pattern: '^[1-9]\\d{0,15}$' }), Type.Integer({ minimum: 1 })]),
    timestamp: Type.String(),
    merged_to_id: Type.Optional(Type.Union([Type.String({ pattern: '^[1-9]\\d{0,15}$' }), Type.Integer({ minimum: 1 }), Type.Null()])),
  }),
  data: Type.Unknown(),
})

export interface EventMaps {
  readonly person: (person: Person) => NativeContact
  readonly organization: (org: Organization, options: CallOptions) => Promise<NativeCompany>
  readonly activity: (activity: Activity) => NativeTask
}

/**
 * Pipedrive's webhooks (v1's `/v1/webhooks`, version 2.0 events) for a connection's mirror: one
 * subscription of every action per object (activity, person, organization), at the gateway's
 * route, with its credentials. A subscription of ours (the same URL) with other credentials (an
 * older config) is deleted and made again. Pipedrive's merge is a delete with `merged_to_id`, and
 * a change of the record kept, both applied as they come.
 */
export function createWebhooks(client: UpstreamClient, baseUrl: string, maps: EventMaps): WebhookPort {
  return {
    baseUrl,

    async doSubscribe(target, options) {
      const listed = await client.json({ method: 'GET', route: WEBHOOKS, options }, Listed)
      const ours = (listed.data ?? []).filter((hook) => hook.subscription_url === target.url)
      for (const object of Object.keys(OBJECTS)) {
        const mine = ours.filter((hook) => hook.event_object === object)
        const current = mine.find((hook) => hook.http_auth_user === target.user && hook.event_action === '*' && hook.version === '2.0')
        for (const stale of mine.filter((hook) => hook !== current)) {
          await client.send({ method: 'DELETE', route: ONE, params: { id: String(stale.id) }, expect: [200, 404], options })
        }
        if (current) continue
        const body = { subscription_url: target.url, event_action: '*', event_object: object, http_auth_user: target.user, http_auth_password: target.password, version: '2.0' }
        await client.json({ method: 'POST', route: WEBHOOKS, body, expect: [200, 201], options }, Made)
      }
    },

    async doParse(body, options) {
      if (!Value.Check(Event, body)) throw new UpstreamBadResponseError('not a Pipedrive webhooks v2 event')
      const { meta, data } = body
      const kind = (OBJECTS as Record<string, WebhookChange['kind']>)[meta.entity]
      if (!kind || !['create', 'change', 'delete'].includes(meta.action)) return []
      const at = parseTime(meta.timestamp)
      if (at === undefined) throw new UpstreamBadResponseError('a Pipedrive event without a readable timestamp')
      const id = String(meta.entity_id)
      if (meta.action === 'delete') {
        const merged = meta.merged_to_id === undefined || meta.merged_to_id === null ? {} : { mergedInto: String(meta.merged_to_id) }
        return [{ kind, change: { deleted: id, modifiedAt: at, ...merged } }]
      }
      const record = await read(kind, data, maps, options)
      if (record.id !== id) throw new UpstreamBadResponseError('a Pipedrive event about another record than it names')
      return [{ kind, change: { record, modifiedAt: record.modifiedAt ?? at } }]
    },
  }
}

async function read(kind: WebhookChange['kind'], data: unknown, maps: EventMaps, options: CallOptions): Promise<{ id: string; modifiedAt?: number }> {
  if (kind === 'contacts' && Value.Check(Person, data)) return maps.person(data)
  if (kind === 'companies' && Value.Check(OrganizationSchema, data)) return maps.organization(data, options)
  if (kind === 'tasks' && Value.Check(Activity, data)) return maps.activity(data)
  throw new UpstreamBadResponseError(`a Pipedrive event whose ${kind} is not one the adapter reads`)
}
