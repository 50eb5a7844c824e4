import type { Change, Lookup } from '../kit/spec.ts'
import { indexKeys } from './keys.ts'
import type { Held, Mirrored, MirrorKind, MirrorStore, SweepState } from './store.ts'

interface Entry {
  readonly modifiedAt: number
  /** Absent: deleted. */
  readonly record?: Mirrored
}

/** A mirror in the process: the default store, gone with the process and seen by no other replica. */
export class MemoryMirrorStore implements MirrorStore {
  private readonly entries = new Map<MirrorKind, Map<string, Entry>>()
  private readonly index = new Map<MirrorKind, Map<string, Set<string>>>()
  private readonly states = new Map<MirrorKind, SweepState>()
  private holder: { owner: string; until: number } | undefined

  constructor(private readonly now: () => number = Date.now) {}

  async apply(kind: MirrorKind, changes: readonly Change<Mirrored>[]): Promise<void> {
    const entries = this.of(this.entries, kind)
    for (const change of changes) {
      const id = 'record' in change ? change.record.id : change.deleted
      const held = entries.get(id)
      if (held && held.modifiedAt > change.modifiedAt) continue
      this.unindex(kind, id, held)
      const entry: Entry = 'record' in change ? { modifiedAt: change.modifiedAt, record: change.record } : { modifiedAt: change.modifiedAt }
      entries.set(id, entry)
      if (entry.record) for (const { by, key } of indexKeys(kind, entry.record)) this.ids(kind, by, key, true)!.add(id)
    }
  }

  async forget(kind: MirrorKind, ids: readonly string[]): Promise<void> {
    const entries = this.of(this.entries, kind)
    for (const id of ids) {
      this.unindex(kind, id, entries.get(id))
      entries.delete(id)
    }
  }

  async read(kind: MirrorKind, ids: readonly string[]): Promise<Held<Mirrored>> {
    const entries = this.of(this.entries, kind)
    const held: Held<Mirrored> = { found: new Map(), gone: new Set() }
    for (const id of ids) {
      const entry = entries.get(id)
      if (entry?.record) held.found.set(id, entry.record)
      else if (entry) held.gone.add(id)
    }
    return held
  }

  async find(kind: MirrorKind, by: Lookup, keys: readonly string[]): Promise<Mirrored[]> {
    const entries = this.of(this.entries, kind)
    const ids = new Set(keys.flatMap((key) => [...(this.ids(kind, by, key, false) ?? [])]))
    return [...ids].flatMap((id) => entries.get(id)?.record ?? [])
  }

  async state(kind: MirrorKind): Promise<SweepState> {
    return this.states.get(kind) ?? {}
  }

  async saveState(kind: MirrorKind, state: SweepState): Promise<void> {
    this.states.set(kind, { ...this.states.get(kind), ...state })
  }

  async clear(): Promise<void> {
    this.entries.clear()
    this.index.clear()
    this.states.clear()
  }

  async lease(owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now()
    if (this.holder && this.holder.owner !== owner && this.holder.until > now) return false
    this.holder = { owner, until: now + ttlMs }
    return true
  }

  async release(owner: string): Promise<void> {
    if (this.holder?.owner === owner) this.holder = undefined
  }

  async close(): Promise<void> {}

  private of<V>(maps: Map<MirrorKind, Map<string, V>>, kind: MirrorKind): Map<string, V> {
    const map = maps.get(kind) ?? new Map<string, V>()
    maps.set(kind, map)
    return map
  }

  private ids(kind: MirrorKind, by: Lookup, key: string, make: boolean): Set<string> | undefined {
    const index = this.of(this.index, kind)
    const slot = `${by}\u0000${key}`
    const ids = index.get(slot) ?? (make ? new Set<string>() : undefined)
    if (ids) index.set(slot, ids)
    return ids
  }

  private unindex(kind: MirrorKind, id: string, held: Entry | undefined): void {
    if (!held?.record) return
    for (const { by, key } of indexKeys(kind, held.record)) this.ids(kind, by, key, false)?.delete(id)
  }
}
