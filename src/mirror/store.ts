import type { Change, Lookup } from '../kit/spec.ts'

/** The kinds of record a mirror holds. */
export type MirrorKind = 'tasks' | 'contacts' | 'companies'
export const MIRROR_KINDS: readonly MirrorKind[] = ['tasks', 'contacts', 'companies']

/** A mirrored record: a task or a contact or company as its port answers it, with its `id`. */
export type Mirrored = { readonly id: string; readonly modifiedAt?: number }

/** Where the sweeps of one kind stand, as every replica sharing the store sees it. */
export interface SweepState {
  /** The CRM moment up to which every change is in the mirror; the next sweep starts before it. */
  readonly watermark?: number
  /** When the last complete sweep started, on the sweeping replica's clock. */
  readonly sweptAt?: number
  /** When the first build completed: until then the mirror answers nothing. */
  readonly builtAt?: number
  /** When a webhook last brought a change. */
  readonly heardAt?: number
}

/** What one read found: the records held, and the ids held as deleted. Other ids are not known. */
export interface Held<R> {
  readonly found: Map<string, R>
  readonly gone: Set<string>
}

/**
 * Where a connection's mirror lives: in the process, SQLite or PostgreSQL. Every method speaks of
 * this connection's rows only. The one rule of every write, which each store keeps itself (a
 * shared store across replicas too): **a report of a record replaces what is held only if it is
 * not older** (`modifiedAt`), so events out of order never make a record older; a deletion is
 * kept as a tombstone with its moment, so a late report of the record before it does not bring it
 * back.
 */
export interface MirrorStore {
  apply(kind: MirrorKind, changes: readonly Change<Mirrored>[]): Promise<void>
  /** Drops what is held of `ids` (records and tombstones): what they are now is unknown. */
  forget(kind: MirrorKind, ids: readonly string[]): Promise<void>
  read(kind: MirrorKind, ids: readonly string[]): Promise<Held<Mirrored>>
  /** The records whose `by` key (normalized by `src/service/matching.ts`) is one of `keys`. */
  find(kind: MirrorKind, by: Lookup, keys: readonly string[]): Promise<Mirrored[]>
  state(kind: MirrorKind): Promise<SweepState>
  /** Sets the fields given, keeping the others. */
  saveState(kind: MirrorKind, state: SweepState): Promise<void>
  /** Drops every row of this connection: its mirror is built again from nothing. */
  clear(): Promise<void>
  /**
   * Takes or renews the lease on this connection's sweeps for `ttlMs`: `true` when `owner` holds
   * it. Of the replicas sharing a store, one sweeps; the lease passes on once its holder stops
   * renewing it.
   */
  lease(owner: string, ttlMs: number): Promise<boolean>
  release(owner: string): Promise<void>
  close(): Promise<void>
}
