import { afterEach, describe, expect, it, vi } from 'vitest'
import { RefreshingToken } from '../../src/credentials/refreshing-token.ts'
import type { TokenSet } from '../../src/credentials/token-set.ts'
import type { TokenLock, TokenStore } from '../../src/credentials/token-store.ts'
import { capturedLogger } from '../helpers/app.ts'

/** A store whose lock another replica holds until `handOver` keeps its refreshed set. */
class HeldStore implements TokenStore {
  readonly where = 'test'
  kept: TokenSet | undefined
  held = true
  async read(): Promise<TokenSet | undefined> {
    return this.kept
  }
  async lock(): Promise<TokenLock | undefined> {
    if (this.held) return undefined
    return { write: async () => true, release: async () => {} }
  }
  async offer(): Promise<boolean> {
    return true
  }
  handOver(set: TokenSet): void {
    this.kept = set
    this.held = false
  }
}

const set = (generation: number, expiresAt: number): TokenSet => ({
  chain: 'chain',
  accessToken: `access-${generation}`,
  refreshToken: `refresh-${generation}`,
  expiresAt,
  renewAt: expiresAt - 60_000,
  generation,
})

describe('an OAuth token renewed by another replica', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is waited for on the monotonic clock: a wall clock stepped forward meanwhile does not end the wait', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true })
    const store = new HeldStore()
    const spend = vi.fn()
    const token = new RefreshingToken({
      connection: 'crm',
      logger: capturedLogger().logger,
      store,
      configured: set(1, Date.now() - 1000),
      spend,
      secrets: [],
    })
    const call = token.headers({ signal: new AbortController().signal } as never)
    await new Promise((resolve) => setTimeout(resolve, 120))
    // Two hours on by the wall clock, far past the 60 s the wait may last, in an instant.
    vi.setSystemTime(Date.now() + 2 * 3_600_000)
    await new Promise((resolve) => setTimeout(resolve, 120))
    store.handOver(set(2, Date.now() + 3_600_000))
    await expect(call).resolves.toEqual({ authorization: 'Bearer access-2' })
    expect(spend).not.toHaveBeenCalled()
  })
})
