import type { CallOptions, ItemResult, Lookup, NativeRecord, RecordInput, RecordPort } from '../kit/spec.ts'
import { done, failed, missing } from '../adapter/results.ts'
import { AttemptLog, withWrites } from '../idempotency/attempt-log.ts'
import type { Remembered } from '../coordination/remembered.ts'
import { BatchTooLargeError, GatewayError, InternalError, LookupCutShortError, NotSupportedError, RecordNotFoundError, UpstreamRateLimitedError } from '../errors.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { byConnection, runChunks } from './fanout.ts'
import { encodeId } from '../contract/ids.ts'
import { type ItemError, itemError, throwIfNothingDone } from './item-errors.ts'
import { chooseMatch, keyOf } from './matching.ts'
import { type Held, RecordAttempts } from '../idempotency/record-attempts.ts'
import { type RecordSpec, toProperties, toRecordInput, warnDropped } from './record-fields.ts'
import { locateRecord, servedByTenant } from './records-locate.ts'
import { type Reference, missingReferences } from './references.ts'

type Body = Readonly<Record<string, unknown>> & { readonly externalId?: string; readonly crmId?: string }

export interface CreateAnswer {
  results: { externalId: string; crmId: string }[]
  errors: ({ externalId: string } & ItemError)[]
}
export interface SyncAnswer {
  results: { externalId: string; crmId: string; properties: Record<string, unknown> }[]
  errors: ({ externalId: string } & ItemError)[]
}
export interface UpdateAnswer {
  results: { crmId: string; success: boolean }[]
  errors: ({ crmId: string } & ItemError)[]
}

interface Item<F> {
  readonly body: Body
  readonly input: RecordInput<F> | undefined
  outcome?: ItemResult<NativeRecord<F>>
  /** Not attempted before the deadline (the rate limit held its calls back): left out of the
   * answer, for Enginy to send again; why, for a 503 if nothing at all was done. */
  leftOut?: GatewayError
}

/** The share of an export's window its lookups may take: the rest is for its creates. */
const LOOKUP_SHARE = 0.5
/** What is left of a request's time for its last calls to answer. */
const ANSWER_MS = 1000

interface Change<F> {
  readonly body: Body
  readonly connection?: Connection
  readonly patch?: { id: string; fields: RecordInput<Partial<F>> }
  outcome?: ItemResult<NativeRecord<F>>
}

/**
 * Contacts or companies (`spec` says which): export, sync and update, on top of the adapter's
 * record port. Matching follows `matching.ts`; writes of one record take turns (`keyed-lock.ts`);
 * batches go through the fan-out engine, and each record's outcome is reported on its own. Where
 * the port's lookups may lag behind its writes (it declares `createdLookup`), a create whose
 * answer was lost never leads to a second record (`record-attempts.ts`).
 */
export class RecordService<F extends object> {
  private readonly attempts: RecordAttempts

  constructor(
    private readonly spec: RecordSpec<F>,
    private readonly maxBatch: number,
    remembered: Remembered,
  ) {
    this.attempts = new RecordAttempts(remembered)
  }

  /**
   * Creates the records that do not exist yet. One that does (same `externalId`, or same e-mail
   * or domain, where the adapter can look them up) is answered with its existing `crmId`, and so
   * is a record sent twice in one request: never a second record.
   */
  async create(tenant: Tenant, bodies: readonly Body[], options: CallOptions): Promise<CreateAnswer> {
    this.check(bodies)
    const connection = tenant.active
    const port = this.port(connection)
    const items = this.prepare(tenant, connection, port, bodies, options)
    await refuseMissingOwners(items, (item) => item.input && { connection, ownerId: ownerOf(item.input) }, options)
    const unique = this.spec.unique.filter((by) => port.capabilities.lookups.includes(by))
    const keys = items.flatMap((item) => (item.input && !item.outcome ? identityKeys(item.input, unique) : []))
    await connection.locks.run(keys, options, async () => {
      await this.match(connection, port, unique, items, lookupOptions(options))
      await this.createMissing(connection, port, unique, items, options)
    })
    throwIfNothingDone(items.map((item) => (item.leftOut ? failed(item.leftOut) : item.outcome!)))
    const answer: CreateAnswer = { results: [], errors: [] }
    for (const item of items) {
      if (item.leftOut) continue
      const externalId = item.body.externalId!
      const outcome = item.outcome!
      if ('ok' in outcome) answer.results.push({ externalId, crmId: this.crmId(connection, outcome.ok) })
      else answer.errors.push({ externalId, ...itemError('failed' in outcome ? outcome.failed : new InternalError()) })
    }
    return answer
  }

  /** The records that exist, matched by `matching.ts`' rules; the others are left out. */
  async sync(tenant: Tenant, bodies: readonly Body[], options: CallOptions): Promise<SyncAnswer> {
    this.check(bodies)
    const connection = tenant.active
    const port = this.port(connection)
    const items = this.prepare(tenant, connection, port, bodies, options)
    const lookups = this.spec.lookups.filter((by) => port.capabilities.lookups.includes(by))
    await this.match(connection, port, lookups, items, options)
    // A record found not to exist was answered: only failures can make the whole request a 5xx.
    throwIfNothingDone(items.map((item) => (item.leftOut ? failed(item.leftOut) : (item.outcome ?? done(undefined)))))
    const answer: SyncAnswer = { results: [], errors: [] }
    for (const item of items) {
      const externalId = item.body.externalId!
      const outcome = item.outcome
      if (outcome && 'ok' in outcome) {
        answer.results.push({ externalId, crmId: this.crmId(connection, outcome.ok), properties: toProperties(this.spec, outcome.ok, connection) })
      } else if (outcome && 'failed' in outcome) {
        answer.errors.push({ externalId, ...itemError(outcome.failed) })
      }
    }
    return answer
  }

  /** Changes each record Enginy names by `crmId`; an unknown one is `success: false`. */
  async update(tenant: Tenant, bodies: readonly Body[], options: CallOptions): Promise<UpdateAnswer> {
    this.check(bodies)
    servedByTenant(tenant, this.spec.kind)
    const dropped = new Map<Connection, Set<string>>()
    const items = bodies.map((body): Change<F> => {
      try {
        const target = locateRecord(tenant, this.spec.kind, body.crmId!)
        if (!target) return { body, outcome: missing }
        const { connection, nativeId } = target
        const names = dropped.get(connection) ?? new Set<string>()
        dropped.set(connection, names)
        // A crmId names the record; Enginy's externalId of it does not change.
        const { externalId: _enginys, ...fields } = toRecordInput(this.spec, body, tenant, connection, this.port(connection), names) as RecordInput<F> & {
          externalId?: string
        }
        return { body, connection, patch: { id: nativeId, fields: fields as RecordInput<Partial<F>> } }
      } catch (error) {
        return { body, outcome: failed(asGatewayError(error)) }
      }
    })
    for (const [connection, names] of dropped) warnDropped(names, this.spec, connection, options)
    await refuseMissingOwners(items, (item) => item.connection && { connection: item.connection, ownerId: ownerOf(item.patch!.fields) }, options)
    const pending = items.filter((item): item is Change<F> & { connection: Connection } => item.connection !== undefined && !item.outcome)
    const outcomes = await runChunks(
      byConnection(pending, (item) => item),
      (connection) => this.port(connection).capabilities.maxBatchUpdate,
      (connection, chunk, chunkOptions) => this.port(connection).doUpdateMany(chunk.map((item) => item.patch!), chunkOptions),
      options,
      'chunk',
    )
    for (const outcome of outcomes) {
      outcome.items.forEach((item, i) => {
        item.outcome = 'value' in outcome ? (outcome.value[i] ?? failed(new InternalError())) : failed(asGatewayError(outcome.error))
      })
    }
    await this.mirrorUpdates(pending)
    // An unknown crmId was answered: only failures can make the whole request a 5xx.
    throwIfNothingDone(items.map((item) => (item.outcome && 'missing' in item.outcome ? done(undefined) : item.outcome!)))
    const answer: UpdateAnswer = { results: [], errors: [] }
    for (const { body, outcome } of items) {
      const crmId = body.crmId!
      answer.results.push({ crmId, success: 'ok' in outcome! })
      if ('missing' in outcome!) answer.errors.push({ crmId, ...itemError(new RecordNotFoundError(this.spec.singular)) })
      else if ('failed' in outcome!) answer.errors.push({ crmId, ...itemError(outcome.failed) })
    }
    return answer
  }

  /** Updated records go into their connection's mirror; one the CRM did not confirm leaves it. */
  private async mirrorUpdates(changes: readonly (Change<F> & { connection: Connection })[]): Promise<void> {
    for (const [connection, group] of byConnection(changes, (change) => change)) {
      const updated = group.flatMap((change) => (change.outcome && 'ok' in change.outcome ? [change.outcome.ok] : []))
      const unsure = group.flatMap((change) => (change.outcome && 'ok' in change.outcome ? [] : [change.patch!.id]))
      await connection.mirror?.wrote(this.spec.kind, updated)
      await connection.mirror?.unsure(this.spec.kind, unsure)
    }
  }

  private check(bodies: readonly Body[]): void {
    if (bodies.length > this.maxBatch) throw new BatchTooLargeError(this.maxBatch, this.spec.kind)
  }

  private port(connection: Connection): RecordPort<F> {
    const port = connection.adapter[this.spec.kind] as RecordPort<F> | undefined
    if (!port) throw new NotSupportedError(this.spec.kind, connection.name)
    return port
  }

  private crmId(connection: Connection, record: NativeRecord<F>): string {
    return encodeId(connection.name, record.id) ?? record.id
  }

  private prepare(tenant: Tenant, connection: Connection, port: RecordPort<F>, bodies: readonly Body[], options: CallOptions): Item<F>[] {
    const dropped = new Set<string>()
    const items = bodies.map((body): Item<F> => {
      try {
        return { body, input: toRecordInput(this.spec, body, tenant, connection, port, dropped) }
      } catch (error) {
        return { body, input: undefined, outcome: failed(asGatewayError(error)) }
      }
    })
    warnDropped(dropped, this.spec, connection, options)
    return items
  }

  /**
   * Finds, for the items not matched yet, the records the CRM holds, one lookup after another in
   * `lookups`' order. An item whose lookup failed is failed: it must not be reported as missing,
   * nor created twice.
   */
  private async match(connection: Connection, port: RecordPort<F>, lookups: readonly Lookup[], items: Item<F>[], options: CallOptions) {
    for (const by of lookups) {
      const pending = items.filter((item) => item.outcome === undefined && !item.leftOut && item.input && keyOf(item.input, by) !== undefined)
      if (pending.length === 0) continue
      const keys = [...new Set(pending.map((item) => keyOf(item.input!, by)!))]
      // The mirror's key index, where it may answer: no search of the CRM at all.
      const mirrored = await connection.mirror?.find<NativeRecord<F>>(this.spec.kind, by, keys)
      const outcomes = mirrored
        ? [{ items: keys, value: mirrored }]
        : await runChunks(
            new Map([[connection, keys]]),
            () => port.capabilities.maxBatchFind,
            (_connection, chunk, chunkOptions) => port.doFind(by, chunk, chunkOptions),
            options,
            'chunk',
          )
      const found = new Map<string, NativeRecord<F>[]>()
      const failedKeys = new Map<string, GatewayError>()
      for (const outcome of outcomes) {
        const cut = 'value' in outcome ? undefined : outcome.error instanceof LookupCutShortError ? outcome.error : undefined
        if (!('value' in outcome) && !cut) {
          for (const key of outcome.items) failedKeys.set(key, asGatewayError(outcome.error))
          continue
        }
        for (const key of cut?.unsettled ?? []) failedKeys.set(key, cut!)
        const asked = new Set(outcome.items)
        for (const record of 'value' in outcome ? outcome.value : (cut!.found as NativeRecord<F>[])) {
          // Checked again here: a CRM's search may be looser than the rule.
          const key = keyOf(record, by)
          if (key !== undefined && asked.has(key) && port.isNativeId(record.id)) found.set(key, [...(found.get(key) ?? []), record])
        }
      }
      for (const item of pending) {
        const key = keyOf(item.input!, by)!
        const error = failedKeys.get(key)
        const match = chooseMatch(found.get(key) ?? [])
        if (error instanceof UpstreamRateLimitedError) item.leftOut = error
        else if (error) item.outcome = failed(error)
        else if (match) item.outcome = done(match)
      }
    }
  }

  /** Creates one record for each set of items that share a unique key, and gives each item the
   * outcome of its set. */
  private async createMissing(connection: Connection, port: RecordPort<F>, unique: readonly Lookup[], items: Item<F>[], options: CallOptions) {
    const groups = sameRecord(items.filter((item) => item.outcome === undefined && !item.leftOut), unique)
    const held = port.createdLookup ? await this.startAttempts(connection, port, unique, groups, options) : new Map<Item<F>[], Held>()
    // The groups of a call with a write that may have taken effect: one of them that failed
    // otherwise than by the CRM's refusal may have been made.
    const wrote = new Set<Item<F>[]>()
    const outcomes = await runChunks(
      new Map([[connection, groups.filter((group) => group[0]!.outcome === undefined)]]),
      () => port.capabilities.maxBatchCreate,
      async (_connection, chunk, chunkOptions) => {
        const inputs = chunk.map((group) => group[0]!.input!)
        if (!port.createdLookup) return port.doCreateMany(inputs, chunkOptions)
        const writes = new AttemptLog()
        try {
          return await port.doCreateMany(inputs, withWrites(chunkOptions, writes))
        } finally {
          if (writes.inDoubt) for (const group of chunk) wrote.add(group)
        }
      },
      options,
      'chunk',
    )
    for (const outcome of outcomes) {
      outcome.items.forEach((group, i) => {
        const result = 'value' in outcome ? (outcome.value[i] ?? failed(new InternalError())) : failed(asGatewayError(outcome.error))
        for (const item of group) {
          // A create the rate limit held back past the deadline was never sent: left out.
          if ('failed' in result && result.failed instanceof UpstreamRateLimitedError) item.leftOut = result.failed
          else item.outcome = 'missing' in result ? failed(new InternalError()) : result
        }
      })
    }
    await connection.mirror?.wrote(this.spec.kind, groups.flatMap((group) => (group[0]?.outcome && 'ok' in group[0].outcome ? [group[0].outcome.ok] : [])))
    const ending = (group: Item<F>[]) => {
      const outcome = group[0]!.outcome
      // Left out: the rate limit held its create back past the deadline, so it was never sent.
      if (outcome === undefined) return 'nothing'
      if ('ok' in outcome) return 'made'
      return 'failed' in outcome && outcome.failed.statusCode >= 500 && wrote.has(group) ? 'doubt' : 'nothing'
    }
    await Promise.all([...held].map(([group, attempt]) => this.attempts.end(attempt, ending(group))))
  }

  /**
   * Records an attempt for each group before its create is sent, where the port declares
   * `createdLookup`; a group whose earlier create is in doubt gets its outcome instead (its record
   * found in the CRM, or refused until the CRM can tell). Answers the attempts of the groups to send.
   */
  private async startAttempts(connection: Connection, port: RecordPort<F>, unique: readonly Lookup[], groups: Item<F>[][], options: CallOptions) {
    const lookup = port.createdLookup!
    const held = new Map<Item<F>[], Held>()
    await Promise.all(
      groups.map(async (group) => {
        const input = group[0]!.input!
        const keys = [...new Set(group.flatMap((item) => identityKeys(item.input!, unique)))].map((key) => `${this.spec.kind}\u0000${key}`)
        const start = await this.attempts.start<F>({ connection: connection.name, keys, deadline: options.deadline }, async (createdAfter) => ({
          records: await connection.limit.run(options, () => lookup.doFind({ input, createdAfter }, options)),
          settleMs: lookup.settleMs,
        }))
        if ('send' in start) held.set(group, start.send)
        else for (const item of group) item.outcome = start.outcome
      }),
    )
    return held
  }
}

/**
 * Fails each item whose `ownerId` names a user its connection shows does not exist, before
 * anything is written: one check per connection for the whole request. `target` is the item's
 * connection and owner, where it has both.
 */
async function refuseMissingOwners<T extends { outcome?: ItemResult<unknown> }>(
  items: readonly T[],
  target: (item: T) => { connection: Connection; ownerId?: string } | undefined,
  options: CallOptions,
): Promise<void> {
  const byConnection = new Map<Connection, { item: T; reference: Reference }[]>()
  for (const item of items) {
    const to = item.outcome ? undefined : target(item)
    if (to?.ownerId === undefined) continue
    const owned = byConnection.get(to.connection) ?? []
    owned.push({ item, reference: { field: 'ownerId', nativeId: to.ownerId } })
    byConnection.set(to.connection, owned)
  }
  await Promise.all(
    [...byConnection].map(async ([connection, owned]) => {
      const missing = await missingReferences(connection, owned.map(({ reference }) => reference), options)
      for (const { item, reference } of owned) {
        const error = missing.get(reference)
        if (error) item.outcome = failed(error)
      }
    }),
  )
}

/** Contacts and companies both have an owner, whatever `F` the service serves. */
const ownerOf = (fields: object): string | undefined => (fields as { ownerId?: string }).ownerId

/** The lock keys of a record: one per unique lookup it has a value for. */
function identityKeys(input: RecordInput<object>, unique: readonly Lookup[]): string[] {
  return unique.flatMap((by) => {
    const key = keyOf(input, by)
    return key === undefined ? [] : [`${by}\u0000${key}`]
  })
}

/** Items grouped so that two items sharing any unique key are in one group (a union-find). */
function sameRecord<F extends object>(items: readonly Item<F>[], unique: readonly Lookup[]): Item<F>[][] {
  const parent = items.map((_, i) => i)
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i]!
    return i
  }
  const owner = new Map<string, number>()
  items.forEach((item, i) => {
    for (const key of identityKeys(item.input!, unique)) {
      const other = owner.get(key)
      if (other === undefined) owner.set(key, i)
      else parent[root(i)] = root(other)
    }
  })
  const groups = new Map<number, Item<F>[]>()
  items.forEach((item, i) => {
    const r = root(i)
    groups.set(r, [...(groups.get(r) ?? []), item])
  })
  return [...groups.values()]
}

/**
 * An export's lookups may take `LOOKUP_SHARE` of what is left of its window, so that the creates of
 * the records they settle fit in the rest: under a CRM's search limit (Pipedrive's 10 per 2 s), an
 * export answers the records it could look up and write, instead of spending the whole window on
 * lookups and answering 503 with nothing written.
 */
function lookupOptions(options: CallOptions): CallOptions {
  const deadline = Date.now() + Math.max(0, (options.deadline - ANSWER_MS - Date.now()) * LOOKUP_SHARE)
  return { signal: options.signal, deadline, warn: options.warn, ...(options.writes && { writes: options.writes }) }
}

function asGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : new InternalError(error instanceof Error ? error.message : String(error), { cause: error })
}
