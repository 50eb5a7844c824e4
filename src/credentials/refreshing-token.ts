import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { CallOptions, CredentialHeaders, Credentials } from '../kit/spec.ts'
import { UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.ts'
import { Scrubber } from '../secrets.ts'
import type { TokenAnswer } from './token-endpoint.ts'
import { type TokenSet, lifeOf } from './token-set.ts'
import { LOCK_MS, StoreUnreachable, type TokenStore } from './token-store.ts'

export interface RefreshingTokenOptions {
  readonly connection: string
  readonly logger: Logger
  readonly store: TokenStore
  /** What config gives, generation 0: the refresh token the app was authorized with, and the
   * access token obtained with it if configured (of unknown expiry). */
  readonly configured: TokenSet
  /** Spends a refresh token at the token endpoint (`token-endpoint.ts`). */
  readonly spend: (refreshToken: string) => Promise<TokenAnswer>
  /** Secrets besides the tokens, to scrub: the client secret. */
  readonly secrets: readonly string[]
}

/** How often a replica waiting for another's refresh reads the store. */
const POLL_MS = 50
/** After a failed refresh, calls needing one fail at once this long instead of each asking again. */
const PAUSE_MS = 5000

/**
 * An OAuth access token kept alive by the refresh grant. The rules:
 *
 * - **when**: a token past its `renewAt` (a fifth of its life, at most five minutes, before it
 *   expires) is renewed in the background while calls go on with it; a token past its expiry is
 *   renewed before the call is sent; a 401 renews it once, and the call is sent once more.
 * - **who**: in this process, one refresh at a time, shared by every call that needs it; each
 *   caller leaves at its own deadline, and the refresh goes on, as a refresh token sent is spent
 *   whether or not the answer is read. Across replicas, the store's lock: the holder spends the
 *   refresh token and keeps the new set; the others wait for it and read it, so a refresh token
 *   is never sent twice (the CRM rotates it, and the second would break the chain).
 * - **when the store is unreachable** (Redis down): an expired or refused token is still renewed,
 *   without the lock, and the new set is kept in the store as soon as it is back, where the
 *   newer generation wins; a token that is merely due waits for the store.
 */
export class RefreshingToken implements Credentials {
  private set: TokenSet | undefined
  private loading: Promise<TokenSet> | undefined
  private flight: Promise<TokenSet> | undefined
  /** Renewed while the store was unreachable, not yet kept there. */
  private unsaved: TokenSet | undefined
  private saving = false
  private failure: { readonly error: unknown; readonly until: number } | undefined
  /** The last access token the CRM took, and the last one obtained because the CRM refused the one before. */
  private lastAccepted: string | undefined
  private renewedOnRefusal: string | undefined
  private scrubber: Scrubber

  constructor(private readonly options: RefreshingTokenOptions) {
    this.scrubber = this.scrubberFor(options.configured)
  }

  async headers(options: CallOptions): Promise<CredentialHeaders> {
    return bearer(await this.current(options))
  }

  async refused(sent: CredentialHeaders, options: CallOptions): Promise<CredentialHeaders | undefined> {
    const set = this.set ?? (await this.current(options))
    // Another call renewed the token since this one was sent: try with that.
    if (bearer(set).authorization !== sent.authorization) return bearer(set)
    // A token obtained for a refusal and refused before the CRM ever took it: the CRM refuses the
    // app (its scopes, or another company's baseUrl), not the token, and each call would spend a
    // refresh token for nothing.
    if (set.accessToken === this.renewedOnRefusal && set.accessToken !== this.lastAccepted) return undefined
    const renewed = await this.wait(this.renew(set, true), options)
    this.renewedOnRefusal = renewed.accessToken
    return bearer(renewed)
  }

  accepted(sent: CredentialHeaders): void {
    this.lastAccepted = sent.authorization?.slice('Bearer '.length)
  }

  scrub(text: string): string {
    return this.scrubber.scrub(text)
  }

  private async current(options: CallOptions): Promise<TokenSet> {
    const set = this.set ?? (await this.wait(this.load(), options))
    if (this.unsaved) this.save()
    const now = Date.now()
    if (set.expiresAt !== null && now >= set.expiresAt) return this.wait(this.renew(set, true), options)
    if (set.renewAt !== null && now >= set.renewAt && !this.paused()) this.renew(set, false).catch(() => {})
    return set
  }

  /** The newest set the store keeps, else the configured one. */
  private load(): Promise<TokenSet> {
    this.loading ??= this.options.store
      .read()
      .catch((error) => {
        this.unreachable(error)
        return undefined
      })
      .then((kept) => {
        const set = kept ?? this.options.configured
        this.adopt(set)
        return set
      })
      .finally(() => {
        this.loading = undefined
      })
    return this.loading
  }

  /** `forced`: the token has expired or was refused, and a call waits for a new one. */
  private renew(stale: TokenSet, forced: boolean): Promise<TokenSet> {
    this.flight ??= this.exchange(stale, forced)
      .then(
        (set) => {
          this.failure = undefined
          this.adopt(set)
          return set
        },
        (error: unknown) => {
          this.failure = { error, until: performance.now() + PAUSE_MS }
          if (!forced) this.options.logger.warn({ error: (error as Error).message }, 'OAuth token renewal ahead of expiry failed; calls go on with the token in force')
          throw error
        },
      )
      .finally(() => {
        this.flight = undefined
      })
    return this.flight
  }

  private async exchange(stale: TokenSet, forced: boolean): Promise<TokenSet> {
    const { store } = this.options
    // The monotonic clock: a wall clock stepped forward (NTP, or a test's) while this replica
    // waits would end the wait at once, and fail the calls sharing this refresh.
    const giveUp = performance.now() + LOCK_MS
    try {
      for (;;) {
        const kept = await store.read()
        if (supersedes(kept, stale)) return kept!
        const lock = await store.lock()
        if (lock) {
          try {
            // Read again under the lock: the last holder may have kept a set since the read above.
            const latest = await store.read()
            if (supersedes(latest, stale)) return latest!
            const next = await this.spend(newest(latest, this.set ?? stale))
            if (!(await lock.write(next).catch(() => false))) this.keepUnsaved(next)
            return next
          } finally {
            await lock.release()
          }
        }
        if (performance.now() >= giveUp) {
          throw new UpstreamUnavailableError(`the CRM of connection "${this.options.connection}": another replica's OAuth token refresh has not finished`)
        }
        await sleep(POLL_MS)
      }
    } catch (error) {
      if (!(error instanceof StoreUnreachable)) throw error
      this.unreachable(error)
      if (!forced) return stale
      const next = await this.spend(this.set ?? stale)
      this.keepUnsaved(next)
      return next
    }
  }

  private async spend(base: TokenSet): Promise<TokenSet> {
    if (this.failure && performance.now() < this.failure.until) throw this.failure.error
    const obtainedAt = Date.now()
    const answer = await this.options.spend(base.refreshToken)
    const next: TokenSet = {
      chain: base.chain,
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token ?? base.refreshToken,
      ...lifeOf(obtainedAt, answer.expires_in),
      generation: base.generation + 1,
    }
    this.options.logger.info({ generation: next.generation, expiresInS: answer.expires_in }, 'OAuth access token refreshed')
    return next
  }

  private keepUnsaved(set: TokenSet): void {
    this.unsaved = set
    this.save()
  }

  /** Offers the unsaved set to the store, one offer at a time, until it is kept there. */
  private save(): void {
    const set = this.unsaved
    if (this.saving || !set) return
    this.saving = true
    this.options.store
      .offer(set)
      .then(
        (kept) => {
          if (!kept || this.unsaved !== set) return
          this.unsaved = undefined
          this.options.logger.info({ store: this.options.store.where }, 'OAuth tokens kept in the store again')
        },
        () => {},
      )
      .finally(() => {
        this.saving = false
      })
  }

  private paused(): boolean {
    return this.failure !== undefined && performance.now() < this.failure.until
  }

  private adopt(set: TokenSet): void {
    const previous = this.set
    this.set = set
    // The previous set too: a CRM's error may quote the token a call in flight was sent with.
    this.scrubber = this.scrubberFor(set, previous)
  }

  private scrubberFor(...sets: (TokenSet | undefined)[]): Scrubber {
    const { configured, secrets } = this.options
    const tokens = [configured, ...sets].flatMap((set) => (set ? [set.accessToken, set.refreshToken] : []))
    return new Scrubber([...secrets, ...tokens])
  }

  private unreachable(error: unknown): void {
    this.options.logger.warn(
      { store: this.options.store.where, reason: (error as Error).message },
      'OAuth token store unreachable: going on with the tokens this process holds',
    )
  }

  /** `work` for one caller: it leaves at its own cancellation or deadline; the work goes on. */
  private wait<T>(work: Promise<T>, options: CallOptions): Promise<T> {
    const { signal } = options
    const connection = this.options.connection
    if (signal.aborted) return Promise.reject(new UpstreamTimeoutError(connection))
    return new Promise<T>((resolve, reject) => {
      const leave = () => reject(new UpstreamTimeoutError(connection))
      signal.addEventListener('abort', leave, { once: true })
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave))
    })
  }
}

function bearer(set: TokenSet): CredentialHeaders {
  return { authorization: `Bearer ${set.accessToken}` }
}

/** A kept set replaces a stale one when it is a later refresh and still usable. */
function supersedes(kept: TokenSet | undefined, stale: TokenSet): boolean {
  return kept !== undefined && kept.generation > stale.generation && (kept.expiresAt === null || Date.now() < kept.expiresAt)
}

function newest(kept: TokenSet | undefined, held: TokenSet): TokenSet {
  return kept && kept.generation > held.generation ? kept : held
}
