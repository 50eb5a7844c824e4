import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { type Entry, KEEP_MS, charge } from './entry.ts'
import type { KeyStore } from './store.ts'
import type { Coordination } from '../coordination/redis.ts'

/**
 * One script for every change, so that each is atomic across replicas. Per tenant: `h` the entries
 * by key digest, `c` what each is charged, `x` when each expires, `o` the done ones in the order
 * they were done (the order they are dropped in to make room), `b` the tenant's bytes. Every call
 * first drops what has expired (a hundred at most, the rest on later calls). `claim` keeps the
 * entry only where the key has none; the others change it only while the attempt they name holds
 * it. The tenant's keys live as long as its newest entry.
 */
const SCRIPT = `
local h, c, x, o, b = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local op, now, field = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local function drop(f)
  local cost = tonumber(redis.call('HGET', c, f) or '0')
  redis.call('HDEL', h, f)
  redis.call('HDEL', c, f)
  redis.call('ZREM', x, f)
  redis.call('ZREM', o, f)
  redis.call('DECRBY', b, cost)
end
for _, f in ipairs(redis.call('ZRANGEBYSCORE', x, '-inf', now, 'LIMIT', 0, 100)) do drop(f) end
if op == 'bytes' then return {'ok', redis.call('GET', b) or '0'} end
local current = redis.call('HGET', h, field)
if op == 'claim' then
  if current then return {'held', current} end
elseif not current or cjson.decode(current).attempt ~= ARGV[4] then
  return {'lost'}
elseif op == 'release' then
  drop(field)
  return {'ok'}
end
local cost = tonumber(ARGV[6])
if op == 'claim' then
  while tonumber(redis.call('GET', b) or '0') + cost > tonumber(ARGV[8]) do
    local oldest = redis.call('ZRANGE', o, 0, 0)[1]
    if not oldest then return {'full'} end
    drop(oldest)
  end
end
local before = tonumber(redis.call('HGET', c, field) or '0')
redis.call('HSET', h, field, ARGV[5])
redis.call('HSET', c, field, cost)
redis.call('ZADD', x, now + tonumber(ARGV[9]), field)
if ARGV[7] == '1' then redis.call('ZADD', o, now, field) else redis.call('ZREM', o, field) end
redis.call('INCRBY', b, cost - before)
for _, k in ipairs(KEYS) do redis.call('PEXPIRE', k, tonumber(ARGV[9])) end
return {'ok'}
`

type Op = 'claim' | 'replace' | 'release' | 'bytes'
type Answer = ['ok'] | ['ok', string] | ['held', string] | ['lost'] | ['full']
type Scripted = Redis & { idempotency(...args: (string | number)[]): Promise<Answer> }

/** Redis could not be asked: the caller falls back to this process's entries. */
export class RedisUnavailable extends Error {}

/** The entries in Redis, shared by every replica. Keys are stored as digests. */
export class RedisKeys implements KeyStore {
  private readonly redis: Scripted

  constructor(
    private readonly coordination: Coordination,
    private readonly maxBytesPerTenant: number,
    private readonly now: () => number = Date.now,
  ) {
    // ioredis sends the script by its digest, and the whole script only when Redis lacks it.
    coordination.redis.defineCommand('idempotency', { numberOfKeys: 5, lua: SCRIPT })
    this.redis = coordination.redis as Scripted
  }

  async claim(tenant: string, key: string, entry: Entry): Promise<Entry | 'claimed' | 'full'> {
    const answer = await this.call('claim', tenant, key, '', entry)
    if (answer[0] === 'held') return JSON.parse(answer[1]) as Entry
    return answer[0] === 'full' ? 'full' : 'claimed'
  }

  async replace(tenant: string, key: string, attempt: string, next: Entry): Promise<boolean> {
    return (await this.call('replace', tenant, key, attempt, next))[0] === 'ok'
  }

  async release(tenant: string, key: string, attempt: string): Promise<void> {
    await this.call('release', tenant, key, attempt)
  }

  async bytes(tenant: string): Promise<number> {
    const answer = await this.call('bytes', tenant, '', '')
    return Number(answer[1] ?? 0)
  }

  private async call(op: Op, tenant: string, key: string, attempt: string, entry?: Entry): Promise<Answer> {
    const field = digest(key)
    const json = entry ? JSON.stringify(entry) : ''
    const keys = ['h', 'c', 'x', 'o', 'b'].map((part) => this.coordination.key('idem', digest(tenant).slice(0, 22), part))
    const cost = entry ? charge(field, entry, json) : 0
    try {
      return await this.redis.idempotency(...keys, op, this.now(), field, attempt, json, cost, entry?.state === 'done' ? 1 : 0, this.maxBytesPerTenant, KEEP_MS)
    } catch (error) {
      throw new RedisUnavailable('Redis did not answer the idempotency script', { cause: error })
    }
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}
