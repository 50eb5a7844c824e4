import type { Change } from './changes.ts'
import type { CallOptions } from './call-options.ts'

/** Where the CRM sends its events, and the HTTP Basic credentials they must carry: both the
 * gateway's (its route `/webhooks/<connection>`, credentials it derives and checks). */
export interface WebhookTarget {
  readonly url: string
  readonly user: string
  readonly password: string
}

/** One change an event reports, of a kind the mirror holds. */
export interface WebhookChange {
  readonly kind: 'tasks' | 'contacts' | 'companies'
  readonly change: Change<{ readonly id: string }>
}

/**
 * A CRM's webhooks, for a connection with a mirror: its changes arrive as they happen instead of
 * at the next sweep (the sweeps go on, and repair what a lost event missed). The core serves the
 * route, checks the credentials, bounds the body and applies the changes by the mirror's rules;
 * the adapter subscribes and reads events.
 */
export interface WebhookPort {
  /** The gateway's public base URL, where the CRM reaches `/webhooks/<connection>` (an option of
   * the adapter's: only the operator knows it). */
  readonly baseUrl: string
  /**
   * Makes sure the CRM sends every create, change and delete of the mirrored kinds to `target`:
   * the gateway's own subscriptions are found again (a restart makes no second one), and those
   * carrying other credentials replaced. Called by the replica that sweeps, until it succeeds.
   */
  doSubscribe(target: WebhookTarget, options: CallOptions): Promise<void>
  /**
   * The changes one delivered event reports, each record as its port answers it; none for events
   * of other kinds. An event it cannot read throws an `UpstreamBadResponseError` (answered 400:
   * the CRM gives up on it, and the next sweep finds the change).
   */
  doParse(body: unknown, options: CallOptions): Promise<WebhookChange[]>
}
