import { setMaxListeners } from 'node:events'
import type { CallOptions, NativeTask } from '../kit/spec.ts'
import type { Connection } from '../runtime/connections.ts'
import { InternalError } from '../errors.ts'
import { chunks } from '../tools/chunks.ts'

/** What one chunk gave: the adapter's answer, or what it threw. */
export type ChunkOutcome<I, R> = {
  readonly connection: Connection
  readonly items: readonly I[]
} & ({ readonly value: R } | { readonly error: unknown })

/**
 * The one batch engine, for every kind of record. Cuts each connection's items into chunks of
 * `size` (the adapter's native batch size, 1 where it has none) and runs them under the
 * connection's concurrency limit — p-limit's sliding window, so a slow chunk does not hold back a
 * whole wave.
 *
 * `failure` says what one failing chunk means:
 * - `batch`: the batch fails as a whole; the first error aborts the chunks still to run and is
 *   thrown (tasks: an id may be left out only when the CRM says it does not exist);
 * - `chunk`: that chunk's items failed, the others go on (records, reported item by item).
 */
export async function runChunks<I, R>(
  groups: ReadonlyMap<Connection, readonly I[]>,
  size: (connection: Connection) => number,
  call: (connection: Connection, chunk: readonly I[], options: CallOptions) => Promise<R>,
  options: CallOptions,
  failure: 'batch' | 'chunk',
): Promise<ChunkOutcome<I, R>[]> {
  const abort = new AbortController()
  const signal = AbortSignal.any([options.signal, abort.signal])
  // Every chunk in flight listens to it (its HTTP call, its rate-limit wait): more than Node's
  // default of 10 listeners is expected here, not a leak.
  setMaxListeners(0, signal)
  const chunkOptions: CallOptions = { ...options, signal }
  let first: { error: unknown } | undefined
  const runs: Promise<ChunkOutcome<I, R> | undefined>[] = []
  for (const [connection, items] of groups) {
    for (const chunk of chunks(items, Math.max(1, size(connection)))) {
      const failed = (thrown: unknown): ChunkOutcome<I, R> | undefined => {
        // An adapter that throws nothing (`throw undefined`, a rejected promise without a reason)
        // still fails its chunk: never a batch answered as if it had succeeded.
        const error = thrown ?? new InternalError(`an adapter of connection "${connection.name}" failed without an error`)
        if (failure === 'chunk') return { connection, items: chunk, error }
        if (first) return undefined
        first = { error }
        abort.abort(error)
        return undefined
      }
      const run = async (): Promise<ChunkOutcome<I, R> | undefined> => {
        try {
          return { connection, items: chunk, value: await call(connection, chunk, chunkOptions) }
        } catch (error) {
          // Aborting here, before p-limit starts the next queued chunk, keeps it from starting.
          return failed(error)
        }
      }
      // A chunk still queued when the batch fails, or the request is cancelled or past its
      // deadline, leaves the queue then and never starts.
      runs.push(connection.limit.run(chunkOptions, run, true).catch(failed))
    }
  }
  const outcomes = await Promise.all(runs)
  if (first) throw first.error
  return outcomes.filter((outcome) => outcome !== undefined)
}

export interface FanOutItem {
  readonly connection: Connection
  readonly nativeId: string
}

/** Groups unique items by connection, in order of first appearance. */
export function byConnection<T extends { readonly connection: Connection }, V>(items: readonly T[], value: (item: T) => V): Map<Connection, V[]> {
  const groups = new Map<Connection, V[]>()
  for (const item of items) {
    const group = groups.get(item.connection)
    if (group) group.push(value(item))
    else groups.set(item.connection, [value(item)])
  }
  return groups
}

/**
 * Tasks by id, through `runChunks`, all or nothing: what the adapter found, keyed by `resultKey`.
 * Only ids that were asked for count: a CRM answer cannot add tasks to a batch.
 */
export async function fanOut(
  items: readonly FanOutItem[],
  chunkSize: (connection: Connection) => number,
  call: (connection: Connection, nativeIds: readonly string[], options: CallOptions) => Promise<NativeTask[]>,
  options: CallOptions,
): Promise<Map<string, NativeTask>> {
  const outcomes = await runChunks(byConnection(items, (item) => item.nativeId), chunkSize, call, options, 'batch')
  const found = new Map<string, NativeTask>()
  for (const outcome of outcomes) {
    if (!('value' in outcome)) continue
    const wanted = new Set(outcome.items)
    for (const task of outcome.value) {
      if (wanted.has(task.id)) found.set(resultKey(outcome.connection.name, task.id), task)
    }
  }
  return found
}

export function resultKey(connection: string, nativeId: string): string {
  return `${connection}\u0000${nativeId}`
}
