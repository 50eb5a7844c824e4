import { setMaxListeners } from 'node:events'
import type { CallOptions, NativeTask } from '../adapter/v1.ts'
import { chunks } from './chunks.ts'
import type { Connection } from '../runtime/connections.ts'

export interface FanOutItem {
  readonly connection: Connection
  readonly nativeId: string
}

export type ChunkCall = (
  connection: Connection,
  nativeIds: readonly string[],
  options: CallOptions,
) => Promise<NativeTask[]>

/**
 * The one batch engine. Groups items by connection, cuts each group into chunks of `chunkSize`
 * (the adapter's native batch size, 1 where it has none), runs the chunks under each
 * connection's concurrency limit — p-limit's sliding window, so a slow chunk does not hold back a
 * whole wave — and returns what the adapter found, keyed by `resultKey`. Items must be unique.
 *
 * The batch succeeds or fails as a whole: the first failing chunk aborts the others and its
 * error is thrown, because an id may be left out only when the CRM says it does not exist.
 */
export async function fanOut(
  items: readonly FanOutItem[],
  chunkSize: (connection: Connection) => number,
  call: ChunkCall,
  options: CallOptions,
): Promise<Map<string, NativeTask>> {
  const groups = new Map<Connection, string[]>()
  for (const { connection, nativeId } of items) {
    const group = groups.get(connection)
    if (group) group.push(nativeId)
    else groups.set(connection, [nativeId])
  }

  const abort = new AbortController()
  const signal = AbortSignal.any([options.signal, abort.signal])
  // Every chunk in flight listens to it (its HTTP call, its rate-limit wait): more than Node's
  // default of 10 listeners is expected here, not a leak.
  setMaxListeners(0, signal)
  const chunkOptions: CallOptions = { ...options, signal }
  const found = new Map<string, NativeTask>()
  const runs: Promise<void>[] = []
  for (const [connection, ids] of groups) {
    for (const chunk of chunks(ids, chunkSize(connection))) {
      const wanted = new Set(chunk)
      runs.push(
        connection.limit(async () => {
          if (abort.signal.aborted) return
          let tasks: NativeTask[]
          try {
            tasks = await call(connection, chunk, chunkOptions)
          } catch (error) {
            // Aborting here, before p-limit starts the next queued chunk, keeps it from starting.
            if (!abort.signal.aborted) abort.abort(error)
            throw error
          }
          // Only ids that were asked for count: a CRM answer cannot add tasks to a batch.
          for (const task of tasks) {
            if (wanted.has(task.id)) found.set(resultKey(connection.name, task.id), task)
          }
        }),
      )
    }
  }
  const settled = await Promise.allSettled(runs)
  if (settled.some((result) => result.status === 'rejected')) throw abort.signal.reason
  return found
}

export function resultKey(connection: string, nativeId: string): string {
  return `${connection}\u0000${nativeId}`
}
