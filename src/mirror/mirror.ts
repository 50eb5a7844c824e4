import type { Logger } from 'pino'
import type { CallOptions, Change, Lookup, WebhookPort, WebhookTarget } from '../kit/spec.ts'
import { BadRequestError, GatewayError, UnauthorizedError } from '../errors.ts'
import type { MirrorConfig } from '../config/schema.ts'
import type { FairLimit } from '../tools/fair-limit.ts'
import type { Held, Mirrored, MirrorKind, MirrorStore, SweepState } from './store.ts'
import { type Feeds, Sweeper } from './sweeper.ts'
import { carries } from './webhook-credentials.ts'

/** What metrics and the status page show of one kind's mirror, as this replica last saw it. */
export interface MirrorStatus {
  readonly kind: MirrorKind
  readonly built: boolean
  /** When its last complete sweep started, or a webhook last came; epoch ms. */
  readonly freshAt?: number
  readonly serving: boolean
  /** Records listed by the sweep under way (the first build's progress), or the last one. */
  readonly listed: number
  readonly sweeps: number
  readonly failures: number
}

/**
 * A connection's mirror of the CRM: what its change feeds list (`sweeper.ts`), kept in its store,
 * and the rules for answering from it, which this module owns:
 *
 * - **it answers only while fresh**: built, and its last complete sweep (on any replica sharing
 *   the store) started, or a webhook last brought a change, within `maxStalenessMs`; otherwise
 *   every call goes to the CRM as without a mirror. A change made in the CRM is so seen within
 *   `maxStalenessMs` (or as soon as its webhook arrives).
 * - **what it does not hold, it does not answer**: a task id it has no row for is read from the
 *   CRM (a task another replica with its own store just made); a tombstone is "not found".
 *   Matching is the exception: a key the index lacks is a record the CRM did not hold at the last
 *   sweep, which is what makes an export cost only its writes.
 * - **a write through the gateway updates it before the request answers** (read your writes, on
 *   every replica sharing the store), with the CRM's own `modifiedAt` where its answer gives one;
 *   a write whose outcome is unknown (a timeout) drops the record, so the next read asks the CRM.
 * - **a failed store is never an answer**: a read that fails goes to the CRM; a write-through that
 *   fails leaves this replica answering from the CRM until its next complete sweep.
 */
export class Mirror {
  readonly sweeper: Sweeper
  private readonly seen = new Map<MirrorKind, SweepState>()
  /** When a write-through last failed: answers come from the CRM until a sweep started after it. */
  private failedAt: number | undefined
  private subscribed = false

  constructor(
    readonly connection: string,
    private readonly store: MirrorStore,
    private readonly feeds: Feeds,
    readonly settings: MirrorConfig,
    limit: FairLimit,
    private readonly logger: Logger,
    private readonly webhooks?: { readonly port: WebhookPort; readonly target: WebhookTarget },
  ) {
    this.sweeper = new Sweeper(store, feeds, settings, limit, logger, (options) => this.subscribe(options))
  }

  /** Whether the CRM's events come to `/webhooks/<connection>`. */
  get listens(): boolean {
    return this.webhooks !== undefined
  }

  /** Whether this kind is mirrored at all: its port has a change feed. */
  covers(kind: MirrorKind): boolean {
    return this.feeds[kind] !== undefined
  }

  start(): void {
    this.sweeper.start()
  }

  async serving(kind: MirrorKind): Promise<boolean> {
    if (!this.covers(kind)) return false
    const state = await this.store.state(kind)
    this.seen.set(kind, state)
    return this.answers(state)
  }

  /** What the mirror holds of `ids`, or `undefined` when it may not answer. */
  async read<R extends Mirrored>(kind: MirrorKind, ids: readonly string[]): Promise<Held<R> | undefined> {
    return this.guarded(kind, 'read', () => this.store.read(kind, ids) as Promise<Held<R>>)
  }

  /** The records whose `by` key is one of `keys`, or `undefined` when the mirror may not answer. */
  async find<R extends Mirrored>(kind: MirrorKind, by: Lookup, keys: readonly string[]): Promise<R[] | undefined> {
    return this.guarded(kind, 'find', () => this.store.find(kind, by, keys) as Promise<R[]>)
  }

  /** Records as a write through the gateway left them. */
  async wrote(kind: MirrorKind, records: readonly Mirrored[]): Promise<void> {
    if (!this.covers(kind) || records.length === 0) return
    const now = Date.now()
    await this.write(kind, () => this.store.apply(kind, records.map((record) => ({ record, modifiedAt: record.modifiedAt ?? now }))))
  }

  /** Records a write may or may not have changed: dropped, so reads of them go to the CRM. */
  async unsure(kind: MirrorKind, ids: readonly string[]): Promise<void> {
    if (!this.covers(kind) || ids.length === 0) return
    await this.write(kind, () => this.store.forget(kind, ids))
  }

  /** Changes a webhook brought: applied at once, and the mirror counts as fresh from now. */
  async heard(kind: MirrorKind, changes: readonly Change<Mirrored>[]): Promise<void> {
    if (!this.covers(kind)) return
    await this.store.apply(kind, changes)
    await this.store.saveState(kind, { heardAt: Date.now() })
  }

  /**
   * One event the CRM delivered to `/webhooks/<connection>`: its credentials checked (a 401 tells
   * nothing more), then its changes applied by the store's rules (an event replayed, or older than
   * what is held, changes nothing). No CRM call is made. Answers how many changes it carried.
   */
  async receive(authorization: string | undefined, body: unknown, options: CallOptions): Promise<number> {
    if (!this.webhooks || !carries(authorization, this.webhooks.target)) throw new UnauthorizedError('Authorization', 'Basic realm="enginy-gateway webhooks"')
    let changes: Awaited<ReturnType<WebhookPort['doParse']>>
    try {
      changes = await this.webhooks.port.doParse(body, options)
    } catch (error) {
      throw new BadRequestError(`body: not an event this connection reads (${error instanceof GatewayError ? error.message : 'malformed'})`, { cause: error })
    }
    for (const kind of new Set(changes.map((c) => c.kind))) {
      await this.heard(kind, changes.filter((c) => c.kind === kind).map((c) => c.change))
    }
    return changes.length
  }

  status(): MirrorStatus[] {
    return (Object.keys(this.feeds) as MirrorKind[]).map((kind) => {
      const state = this.seen.get(kind) ?? {}
      const progress = this.sweeper.progress.get(kind) ?? { listed: 0, sweeps: 0, failures: 0 }
      const freshAt = freshness(state)
      return {
        kind,
        built: state.builtAt !== undefined,
        ...(freshAt !== undefined && { freshAt }),
        serving: this.answers(state),
        ...progress,
      }
    })
  }

  /** Reads the stores's state of every kind again, for `status()`. */
  async refresh(): Promise<void> {
    for (const kind of Object.keys(this.feeds) as MirrorKind[]) this.seen.set(kind, await this.store.state(kind))
  }

  async close(): Promise<void> {
    await this.sweeper.close()
    await this.store.close()
  }

  /** The webhook subscription, once per process, by the replica that holds the lease. */
  private async subscribe(options: CallOptions): Promise<void> {
    if (!this.webhooks || this.subscribed) return
    try {
      await this.webhooks.port.doSubscribe(this.webhooks.target, options)
      this.subscribed = true
      this.logger.info({ url: this.webhooks.target.url }, 'mirror webhooks subscribed')
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'mirror webhooks not subscribed; tried again at the next sweep, which keeps the mirror meanwhile')
    }
  }

  private async guarded<T>(kind: MirrorKind, what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return (await this.serving(kind)) ? await work() : undefined
    } catch (error) {
      this.logger.warn({ kind, error: (error as Error).message }, `mirror ${what} failed; answered from the CRM`)
      return undefined
    }
  }

  private async write(kind: MirrorKind, work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      this.failedAt = Date.now()
      this.logger.error({ kind, error: (error as Error).message }, 'mirror write failed; answers come from the CRM until the next complete sweep')
    }
  }

  private answers(state: SweepState): boolean {
    const trusted = this.failedAt === undefined || (state.sweptAt ?? 0) > this.failedAt
    const freshAt = freshness(state)
    return trusted && state.builtAt !== undefined && freshAt !== undefined && Date.now() - freshAt <= this.settings.maxStalenessMs
  }
}

function freshness(state: SweepState): number | undefined {
  const times = [state.sweptAt, state.heardAt].filter((at): at is number => at !== undefined)
  return times.length === 0 ? undefined : Math.max(...times)
}
