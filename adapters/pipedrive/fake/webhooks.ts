import { Type } from '@sinclair/typebox'
import { request } from 'undici'
import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import { type FakeContext, ok, rfc3339 } from './store.ts'

/**
 * Pipedrive's webhooks, as its v1 reference (`/v1/webhooks`, still v1 only) and changelog describe
 * them: subscriptions by `event_action` (`create`, `change`, `delete`, `*`) and `event_object`
 * (`activity`, `person`, `organization`, `*`), at most 40 per user, each with the HTTP Basic
 * credentials Pipedrive sends with every delivery (`http_auth_user`, `http_auth_password`: it
 * signs nothing), version `2.0` the default since 2025-03-17. A v2 event is `{meta, data,
 * previous}`: `meta.action` (`create`, `change`, `delete`), `meta.entity`, `meta.entity_id`,
 * `meta.timestamp`, a merge a delete with `meta.merged_to_id` (followed by a change of the record
 * kept). A delivery answered other than 2xx is sent again after `retryDelaysMs` (Pipedrive: a few
 * retries, seconds to minutes apart). A test can stop deliveries (`down`: an outage, the events
 * lost), hold them and let them go in another order (`hold`, `release`). Sources: crm-facts.md's
 * Pipedrive section; the v1 OpenAPI file's webhook operations.
 */
export const MAX_WEBHOOKS = 40

const Subscription = Type.Object(
  {
    subscription_url: Type.String({ pattern: '^https?://' }),
    event_action: Type.Union(['create', 'change', 'delete', '*'].map((a) => Type.Literal(a))),
    event_object: Type.Union(['activity', 'person', 'organization', '*'].map((o) => Type.Literal(o))),
    http_auth_user: Type.Optional(Type.String()),
    http_auth_password: Type.Optional(Type.String()),
    version: Type.Optional(Type.Union([Type.Literal('1.0'), Type.Literal('2.0')])),
    user_id: Type.Optional(Type.Integer()),
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
type Subscription = (typeof Subscription)['static'] & { id: number }

export interface FakeEvent {
  readonly meta: { action: string; entity: string; entity_id: string; timestamp: string; id: string; version: '2.0'; merged_to_id?: string }
  readonly data: unknown
  readonly previous: unknown
}

export class FakeWebhooks {
  readonly subscriptions = new Map<number, Subscription>()
  /** Deliveries answered 2xx, and attempts in all. */
  delivered = 0
  attempts = 0
  down = false
  retryDelaysMs = [50, 200, 500]
  private held: (() => Promise<void>)[] | undefined
  private nextId = 1

  constructor(private readonly ctx: FakeContext) {}

  handle(r: SeenRequest): Step | undefined {
    const one = /^\/api\/v1\/webhooks\/(\d+)$/.exec(r.path)
    if (r.path === '/api/v1/webhooks' && r.method === 'GET') return ok([...this.subscriptions.values()].map(({ http_auth_password: _hidden, ...shown }) => shown))
    if (r.path === '/api/v1/webhooks' && r.method === 'POST') {
      const bad = this.ctx.check(Subscription, r.body, 'POST /v1/webhooks')
      if (bad) return bad
      if (this.subscriptions.size >= MAX_WEBHOOKS) return this.ctx.invalid(`a user may have at most ${MAX_WEBHOOKS} webhooks`, false)
      const subscription = { version: '2.0' as const, ...(r.body as Subscription), id: this.nextId++ }
      this.subscriptions.set(subscription.id, subscription)
      return { status: 201, body: { success: true, status: 'ok', data: subscription } }
    }
    if (one && r.method === 'DELETE') {
      const id = Number(one[1])
      if (!this.subscriptions.delete(id)) return { status: 404, body: { success: false, error: 'Webhook not found' } }
      return ok({ id })
    }
    return undefined
  }

  /** What `entity`'s `action` on `record` sends to each subscription that wants it. */
  emit(entity: 'activity' | 'person' | 'organization', action: 'create' | 'change' | 'delete', record: { id: number }, previous: unknown, mergedTo?: number): void {
    const event: FakeEvent = {
      meta: {
        action,
        entity,
        entity_id: String(record.id),
        timestamp: rfc3339(),
        id: crypto.randomUUID(),
        version: '2.0',
        ...(mergedTo !== undefined && { merged_to_id: String(mergedTo) }),
      },
      data: action === 'delete' ? null : record,
      previous,
    }
    for (const subscription of this.subscriptions.values()) {
      const wants = (subscription.event_action === '*' || subscription.event_action === action) && (subscription.event_object === '*' || subscription.event_object === entity)
      if (!wants || this.down) continue
      const send = () => this.deliver(subscription, event, 0)
      if (this.held) this.held.push(send)
      else void send()
    }
  }

  /** Holds deliveries from now on, until `release`. */
  hold(): void {
    this.held = []
  }

  /** Lets held deliveries go, in the order `order` gives them (the latest first by default). */
  async release(order: (events: (() => Promise<void>)[]) => (() => Promise<void>)[] = (events) => [...events].reverse()): Promise<void> {
    const held = this.held ?? []
    this.held = undefined
    for (const send of order(held)) await send()
  }

  private async deliver(subscription: Subscription, event: FakeEvent, attempt: number): Promise<void> {
    this.attempts++
    const authorization =
      subscription.http_auth_user === undefined ? {} : { authorization: `Basic ${Buffer.from(`${subscription.http_auth_user}:${subscription.http_auth_password ?? ''}`).toString('base64')}` }
    let status = 0
    try {
      const res = await request(subscription.subscription_url, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization }, body: JSON.stringify(event) })
      status = res.statusCode
      await res.body.dump()
    } catch {
      status = 0
    }
    if (status >= 200 && status < 300) {
      this.delivered++
      return
    }
    const delay = this.retryDelaysMs[attempt]
    if (delay === undefined || this.down) return
    await new Promise((resolve) => setTimeout(resolve, delay))
    await this.deliver(subscription, event, attempt + 1)
  }
}
