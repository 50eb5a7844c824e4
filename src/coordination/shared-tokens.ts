import { randomUUID } from 'node:crypto'
import { parseTokenSet, type TokenSet } from '../credentials/token-set.ts'
import { LOCK_MS, StoreUnreachable, type TokenLock, type TokenStore } from '../credentials/token-store.ts'
import type { Coordination } from './redis.ts'

/** Kept past a refresh token's own life unused (Pipedrive's: 60 days); each refresh renews it. */
const KEEP_MS = 90 * 24 * 60 * 60 * 1000
/** How long a read waits for Redis when it is not connected yet (a replica that just started):
 * going on without it could spend a refresh token another replica has already spent. */
const READY_WAIT_MS = 2000

/**
 * Keeps `ARGV[2]` (a token set of generation `ARGV[3]`) unless a set of that generation or a newer
 * one is kept (-1), or, when `ARGV[1]` names a lock owner, unless that owner no longer holds the
 * lock (0): a refresh whose lock lapsed must not overwrite what the next holder kept.
 */
const WRITE = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local kept = redis.call('GET', KEYS[1])
if kept and cjson.decode(kept).generation >= tonumber(ARGV[3]) then return -1 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
return 1
`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

/**
 * A grant's tokens in Redis, shared by every replica: one key holds the newest set, another the
 * lock of the replica refreshing (`SET NX PX`, released only by its owner). Where Redis holds none
 * yet, the `tokenFile` a gateway used before it had Redis is read, so moving to Redis does not
 * restart the chain from a spent refresh token.
 */
export class SharedTokens implements TokenStore {
  readonly where = 'Redis'
  private readonly key: string
  private readonly lockKey: string

  constructor(
    private readonly coordination: Coordination,
    chain: string,
    private readonly before?: TokenStore,
  ) {
    this.key = coordination.key('oauth', chain)
    this.lockKey = coordination.key('oauth', chain, 'lock')
  }

  async read(): Promise<TokenSet | undefined> {
    await this.reachable()
    const kept = parseTokenSet(await this.redis((redis) => redis.get(this.key)))
    return kept ?? (await this.before?.read().catch(() => undefined))
  }

  async lock(): Promise<TokenLock | undefined> {
    await this.reachable()
    const owner = randomUUID()
    const taken = await this.redis((redis) => redis.set(this.lockKey, owner, 'PX', LOCK_MS, 'NX'))
    if (taken !== 'OK') return undefined
    return {
      write: (set) => this.write(set, owner).then((done) => done === 1),
      release: async () => {
        await this.coordination.redis.eval(RELEASE, 1, this.lockKey, owner).catch(() => {})
      },
    }
  }

  async offer(set: TokenSet): Promise<boolean> {
    await this.reachable()
    return (await this.write(set, '')) !== 0
  }

  private async write(set: TokenSet, owner: string): Promise<number> {
    const done = await this.redis((redis) => redis.eval(WRITE, 2, this.key, this.lockKey, owner, JSON.stringify(set), set.generation, KEEP_MS))
    return Number(done)
  }

  private async redis<T>(command: (redis: Coordination['redis']) => Promise<T>): Promise<T> {
    try {
      return await command(this.coordination.redis)
    } catch (error) {
      throw new StoreUnreachable((error as Error).message, { cause: error })
    }
  }

  private async reachable(): Promise<void> {
    if (this.coordination.state === 'shared') return
    const up = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        stop()
        resolve(false)
      }, READY_WAIT_MS)
      const stop = this.coordination.onChange((state) => {
        if (state !== 'shared') return
        clearTimeout(timer)
        stop()
        resolve(true)
      })
    })
    if (!up) throw new StoreUnreachable('Redis is unreachable')
  }
}
