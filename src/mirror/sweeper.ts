import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { CallOptions, ChangeFeed } from '../kit/spec.ts'
import type { MirrorConfig } from '../config/schema.ts'
import type { FairLimit } from '../tools/fair-limit.ts'
import type { Mirrored, MirrorKind, MirrorStore, SweepState } from './store.ts'

/** The longest one page of a listing may take, rate-limit waits included. */
const PAGE_MS = 60_000
/** The shortest lease: long enough for a page that waits on a busy CRM. */
const MIN_LEASE_MS = 30_000

export type Feeds = Partial<Record<MirrorKind, ChangeFeed<Mirrored>>>

/** What one kind's sweeps have done on this replica, for metrics and the log. */
export interface SweepProgress {
  /** Records the sweep under way (or the last one) listed so far. */
  listed: number
  sweeps: number
  failures: number
}

/**
 * A connection's sweeps: every `pollMs`, each kind's feed is listed from its watermark, and what
 * it lists goes into the store. The rules, which this module owns:
 *
 * - **one sweeper per store**: a sweep runs only while its replica holds the store's lease (taken
 *   for 3 × `pollMs`, at least 30 s, and renewed before each page), so two replicas sharing a
 *   store never both run it; a replica that stops sweeping hands it on when its lease runs out.
 * - **the watermark only moves forward over what was listed**: an ordered feed's watermark is
 *   kept after each page (a sweep cut short, or a restart, resumes there); an unordered one moves
 *   only when its listing is complete, to when that listing started. A gap (a missed webhook, a
 *   restart, a stopped sweep) is so repaired from the last watermark.
 * - **a change the CRM lists late is still found**: each sweep starts the feed's `overlapMs` before
 *   the last complete sweep started (a change made since may not have been listable then), or just
 *   after the watermark where that is earlier (everything up to it was listable, and listed): with
 *   nothing changed lately, a sweep lists nothing again.
 * - **the first build lists everything**, and the mirror answers nothing until it is complete
 *   (`builtAt`); a sweep's `sweptAt` is when it started, as a change made after that moment may
 *   be missing from it.
 * - **a failed sweep changes nothing but what it listed**: its pages were applied (each record by
 *   the store's newer-wins rule), its watermark stays, and the next sweep tries again.
 * - sweeps wait behind the connection's requests: their calls take the connection's limit as a
 *   batch does, so a request's single calls go first.
 */
export class Sweeper {
  readonly progress = new Map<MirrorKind, SweepProgress>()
  private readonly owner = randomUUID()
  private readonly stopping = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private closed = false

  constructor(
    private readonly store: MirrorStore,
    private readonly feeds: Feeds,
    private readonly settings: MirrorConfig,
    private readonly limit: FairLimit,
    private readonly logger: Logger,
    /** Run with the lease held, before each sweep (the webhook subscription). */
    private readonly leased_: (options: CallOptions) => Promise<void> = async () => {},
  ) {}

  /** Starts sweeping at once, then every `pollMs`; a second call does nothing. */
  start(): void {
    if (this.timer || this.running || this.closed) return
    this.schedule(0)
  }

  /** One sweep of every kind, if this replica holds (or takes) the lease; the next one of the
   * timer is not moved. */
  async sweep(): Promise<void> {
    if (this.running) return this.running
    this.running = this.sweepAll().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.timer)
    this.stopping.abort()
    await this.running
    await this.store.release(this.owner).catch(() => {})
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.sweep().finally(() => {
        if (!this.closed) this.schedule(this.settings.pollMs)
      })
    }, delayMs)
    this.timer.unref()
  }

  private leased(): Promise<boolean> {
    return this.store.lease(this.owner, Math.max(MIN_LEASE_MS, 3 * this.settings.pollMs))
  }

  private async sweepAll(): Promise<void> {
    for (const [kind, feed] of Object.entries(this.feeds) as [MirrorKind, ChangeFeed<Mirrored>][]) {
      const progress = this.progress.get(kind) ?? { listed: 0, sweeps: 0, failures: 0 }
      this.progress.set(kind, progress)
      try {
        if (!(await this.leased())) return
        if (kind === Object.keys(this.feeds)[0]) await this.leased_(this.options())
        await this.sweepKind(kind, feed, progress)
        progress.sweeps++
      } catch (error) {
        if (this.closed) return
        progress.failures++
        this.logger.warn({ kind, error: (error as Error).message }, 'mirror sweep failed; the next one starts from the same watermark')
      }
    }
  }

  private async sweepKind(kind: MirrorKind, feed: ChangeFeed<Mirrored>, progress: SweepProgress): Promise<void> {
    const state = await this.store.state(kind)
    const building = state.builtAt === undefined
    const startedAt = Date.now()
    const since = startOf(state, feed.overlapMs)
    let watermark: number | undefined
    let cursor: string | undefined
    progress.listed = 0
    if (building) this.logger.info({ kind, resumedFrom: state.watermark }, 'mirror build started')
    do {
      if (cursor !== undefined && !(await this.leased())) throw new Error('the mirror lease passed to another replica')
      const options = this.options()
      const page = await this.limit.run(options, () => feed.doListChanged(since, cursor, options), true)
      await this.store.apply(kind, page.changes)
      progress.listed += page.changes.length
      if (page.watermark !== undefined) {
        watermark = page.watermark
        if (page.cursor !== undefined) await this.store.saveState(kind, { watermark })
      }
      if (building && page.changes.length > 0) this.logger.info({ kind, listed: progress.listed }, 'mirror build progress')
      cursor = page.cursor
    } while (cursor !== undefined)
    // An ordered listing ends at its last change; an unordered one is only sure of what changed
    // before it started; one that listed nothing leaves the watermark where it was.
    const next = watermark ?? (progress.listed === 0 ? state.watermark : startedAt)
    await this.store.saveState(kind, {
      ...(next !== undefined && { watermark: next }),
      sweptAt: startedAt,
      ...(building && { builtAt: Date.now() }),
    })
    if (building) this.logger.info({ kind, listed: progress.listed }, 'mirror build complete: answers come from the mirror while it is fresh')
  }

  private options(): CallOptions {
    return {
      signal: this.stopping.signal,
      deadline: Date.now() + PAGE_MS,
      warn: (warning) => this.logger.warn({ warning }, 'adapter warning'),
    }
  }
}

/** Where a sweep starts: see the class's rules. A build cut short resumes at its watermark. */
function startOf(state: SweepState, overlapMs: number): number | undefined {
  if (state.watermark === undefined || state.sweptAt === undefined) return state.watermark
  return Math.min(state.watermark + 1, state.sweptAt - overlapMs)
}
