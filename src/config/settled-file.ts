import { type Stats, watch } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** How long a file must go without a change event before it is looked at. */
const QUIET_MS = 300
/** The time between the two looks that must find the file the same. */
const LOOK_MS = 300

export interface SettledWatch {
  close(): void
}

/**
 * Calls `onSettled` with a file's whole text each time it changes and then stops changing. A
 * file written in several steps (an editor's save, a deploy's `cat > file`) is valid YAML, and
 * even a valid config, long before it is complete, and a config missing its end is a config
 * missing whatever was at the end (`metrics.token`, a tenant). So after `QUIET_MS` without an
 * event the file's size, mtime and inode are looked at twice, `LOOK_MS` apart, and once more
 * after reading it; any difference starts the wait again. Writing a temporary file and renaming it
 * over the config (`mv`) is one step, and the one to use for writes more than a few tenths of a
 * second apart.
 *
 * The folder is watched, not the file: editors and `mv` replace a file, which ends a watch on it.
 * Throws when the folder cannot be watched.
 */
export function watchSettled(path: string, onSettled: (text: string) => void): SettledWatch {
  let timer: NodeJS.Timeout | undefined
  let closed = false
  const arm = () => {
    clearTimeout(timer)
    if (!closed) timer = setTimeout(() => void settle(), QUIET_MS)
  }
  const settle = async () => {
    const first = await look(path)
    await sleep(LOOK_MS)
    const second = await look(path)
    if (closed) return
    // Gone: its next appearance is an event of its own.
    if (!first && !second) return
    if (!same(first, second)) return arm()
    const text = await readFile(path, 'utf8').catch(() => undefined)
    if (text === undefined || !same(second, await look(path))) return arm()
    if (!closed) onSettled(text)
  }
  const watcher = watch(dirname(path), (_event, file) => {
    if (file === null || file === basename(path)) arm()
  })
  return {
    close() {
      closed = true
      clearTimeout(timer)
      watcher.close()
    },
  }
}

function look(path: string): Promise<Stats | undefined> {
  return stat(path).catch(() => undefined)
}

function same(a: Stats | undefined, b: Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino
}
