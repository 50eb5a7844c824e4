import type { Logger } from 'pino'
import type { CallOptions } from '../kit/spec.ts'

/** The wait after the first failed try; it doubles after each failure, up to `MAX_WAIT_MS`. */
export const FIRST_WAIT_MS = 1000
export const MAX_WAIT_MS = 15 * 60_000
/** How long one try may take, waits for the rate limit included. */
const TRY_MS = 30_000

/**
 * Learns, outside any request, what a connection's record links need from its CRM (the adapter's
 * `doLearnLinks`: HubSpot's portal, Pipedrive's company domain), so that a link request, which
 * anyone may send without a key, never makes a CRM call. It starts when the connection serves a
 * tenant with link tokens (links off cost the CRM nothing), and stops when the connection closes.
 *
 * The rules of this work, which every link request of the connection shares:
 * - Whose deadline: its own, `TRY_MS` a try. No request waits for it: until it has learned,
 *   the connection's links answer 404.
 * - Whose cancellation: only the connection's close, which aborts the try in flight and the
 *   tries to come.
 * - Failures are kept, never retried per request: the next try comes after a wait that starts at
 *   `FIRST_WAIT_MS` and doubles up to `MAX_WAIT_MS`, each drawn between half and all of it, so
 *   connections that failed together do not all try again together.
 * - Which write wins: the adapter keeps what its last successful read said, and a failed read
 *   leaves what it knew. Once learned, the learner stops; a readiness check may read it again
 *   (Pipedrive's `/users/me`), and that read is the last one then.
 */
export class LinkLearning {
  private state: 'idle' | 'learning' | 'learned' | 'stopped' = 'idle'
  private failures = 0
  private timer: NodeJS.Timeout | undefined
  private readonly closing = new AbortController()

  constructor(
    private readonly learn: ((options: CallOptions) => Promise<void>) | undefined,
    private readonly logger: Pick<Logger, 'warn' | 'info' | 'debug'>,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Starts learning, unless the adapter needs nothing learned or this has started before. The
   * first try comes at a random moment within `FIRST_WAIT_MS`: ten thousand connections opened by
   * one reload neither call their CRMs all at once nor hold up the reload that opened them.
   */
  start(): void {
    if (this.state !== 'idle' || !this.learn) return
    this.state = 'learning'
    this.later(this.learn, Math.round(this.random() * FIRST_WAIT_MS))
  }

  /** Whether links know what they need: learned, or the adapter needs nothing learned. */
  get learned(): boolean {
    return this.state === 'learned' || !this.learn
  }

  stop(): void {
    this.state = 'stopped'
    clearTimeout(this.timer)
    this.closing.abort()
  }

  private async try(learn: (options: CallOptions) => Promise<void>): Promise<void> {
    const expired = new AbortController()
    const deadline = setTimeout(() => expired.abort(), TRY_MS)
    try {
      await learn({ signal: AbortSignal.any([this.closing.signal, expired.signal]), deadline: Date.now() + TRY_MS, warn: () => {}, background: true })
      if (this.state === 'stopped') return
      this.state = 'learned'
      if (this.failures > 0) this.logger.info({ tries: this.failures + 1 }, 'record links: learned what they need from the CRM')
    } catch (error) {
      if (this.state === 'stopped') return
      this.failures++
      const waitMs = Math.round(Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (this.failures - 1)) * (0.5 + this.random() / 2))
      const line = { reason: (error as Error).message, tries: this.failures, nextTryInMs: waitMs }
      // The first failure says what is wrong; the tries after it, ever rarer, only at debug.
      if (this.failures === 1) this.logger.warn(line, "record links: cannot learn what they need from the CRM; this connection's links answer 404 until then")
      else this.logger.debug(line, 'record links: still cannot learn what they need from the CRM')
      this.later(learn, waitMs)
    } finally {
      clearTimeout(deadline)
    }
  }

  private later(learn: (options: CallOptions) => Promise<void>, ms: number): void {
    this.timer = setTimeout(() => void this.try(learn), ms)
    this.timer.unref()
  }
}
