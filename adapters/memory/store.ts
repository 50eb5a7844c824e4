import type { CompanyFields, ContactFields, Lookup, NativeActivity, NativeRecord, NativeTask } from '../../src/kit/spec.ts'

/** Contacts or companies by id, with an index per lookup: normalized key to the ids holding it. */
export interface RecordStore<F extends object> {
  readonly records: Map<string, NativeRecord<F>>
  readonly index: ReadonlyMap<Lookup, Map<string, Set<string>>>
}

/**
 * Every record of a memory connection, apart from the adapter instance that serves them: the
 * adapter keeps it across rebuilds (`ctx.keep`), so a reload that changes the connection's
 * settings loses nothing.
 */
export interface MemoryStore {
  readonly tasks: Map<string, NativeTask>
  readonly contacts: RecordStore<ContactFields>
  readonly companies: RecordStore<CompanyFields>
  /** Contact-to-company links, as `<contact id>\u0000<company id>`. */
  readonly links: Set<string>
  readonly activities: Map<string, NativeActivity>
  /** Activity ids by Enginy's message id. */
  readonly byMessage: Map<string, string>
}

export function memoryStore(): MemoryStore {
  return {
    tasks: new Map(),
    contacts: recordStore(['externalId', 'email', 'linkedinUrl']),
    companies: recordStore(['externalId', 'domain', 'linkedinUrl', 'name']),
    links: new Set(),
    activities: new Map(),
    byMessage: new Map(),
  }
}

function recordStore<F extends object>(lookups: readonly Lookup[]): RecordStore<F> {
  return { records: new Map(), index: new Map(lookups.map((by) => [by, new Map()])) }
}
