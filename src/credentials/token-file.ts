import { randomUUID } from 'node:crypto'
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { parseTokenSet, type TokenSet } from './token-set.ts'
import { LOCK_MS, StoreUnreachable, type TokenLock, type TokenStore } from './token-store.ts'

/**
 * The tokens of a grant in a file the operator names (`tokenFile`), for gateways without Redis:
 * what the next start, and any replica sharing the file, reads. It is replaced whole (written
 * beside it, synced, renamed over it), so a crash leaves the old tokens or the new, never half of
 * either; and it is readable by the gateway's user alone (0600). A lock file beside it (created
 * exclusively) lets one process at a time spend the refresh token.
 */
export class TokenFile implements TokenStore {
  private readonly lockPath: string

  constructor(
    readonly where: string,
    private readonly chain: string,
  ) {
    this.lockPath = `${where}.lock`
  }

  async read(): Promise<TokenSet | undefined> {
    let text: string
    try {
      text = await readFile(this.where, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw unreachable(error)
    }
    const set = parseTokenSet(text)
    return set?.chain === this.chain ? set : undefined
  }

  async lock(): Promise<TokenLock | undefined> {
    const owner = randomUUID()
    if (!(await this.take(owner))) return undefined
    return {
      write: async (set) => {
        if ((await this.holder()) !== owner) return false
        const kept = await this.read()
        if (kept && kept.generation >= set.generation) return false
        await this.save(set)
        return true
      },
      release: async () => {
        if ((await this.holder()) === owner) await rm(this.lockPath, { force: true }).catch(() => {})
      },
    }
  }

  async offer(set: TokenSet): Promise<boolean> {
    const lock = await this.lock()
    if (!lock) return false
    try {
      const kept = await this.read()
      return (kept !== undefined && kept.generation >= set.generation) || (await lock.write(set))
    } finally {
      await lock.release()
    }
  }

  private async take(owner: string, again = true): Promise<boolean> {
    try {
      await writeFile(this.lockPath, owner, { flag: 'wx', mode: 0o600 })
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unreachable(error)
    }
    // A lock older than any refresh was left by a process that stopped while holding it.
    const age = await stat(this.lockPath).then(
      (found) => Date.now() - found.mtimeMs,
      () => 0,
    )
    if (!again || age <= LOCK_MS) return false
    await rm(this.lockPath, { force: true }).catch(() => {})
    return this.take(owner, false)
  }

  private async holder(): Promise<string | undefined> {
    return readFile(this.lockPath, 'utf8').catch(() => undefined)
  }

  private async save(set: TokenSet): Promise<void> {
    const temporary = `${this.where}.${randomUUID()}.tmp`
    try {
      const file = await open(temporary, 'wx', 0o600)
      try {
        await file.writeFile(JSON.stringify(set))
        await file.sync()
      } finally {
        await file.close()
      }
      await rename(temporary, this.where)
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {})
      throw unreachable(error)
    }
  }
}

function unreachable(error: unknown): StoreUnreachable {
  return new StoreUnreachable((error as NodeJS.ErrnoException).code ?? String(error), { cause: error })
}
