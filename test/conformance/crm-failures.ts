import type { AdapterRegistry } from '../../adapters/index.ts'
import type { AdapterDefinition, AdapterV2 } from '../../src/kit/spec.ts'
import { UpstreamAuthError, UpstreamRateLimitedError, UpstreamUnavailableError } from '../../src/errors.ts'
import type { ConformanceTarget, RecordKind, UpstreamFailure } from './target.ts'

const PORTS = ['tasks', 'contacts', 'companies', 'associations', 'activities', 'users', 'references'] as const
/** The wait a rate-limited CRM asks for: its daily limit is spent. */
const DAILY_WAIT_S = 3600

type Hooks = Pick<ConformanceTarget, 'breakUpstream' | 'heal' | 'loseNextCreate'>

/**
 * The adapter `definition`, registered as `name`, whose CRM can fail on demand, for a target
 * without an HTTP fake to break (memory, a database): while broken, every call that would reach the
 * CRM (each `do…` method of every port, and of a port's `createdLookup`) throws what the upstream
 * client makes of that failure, before the adapter runs; `loseNextCreate` lets the next create of a
 * kind run, then throws as a connection dropped before the answer, having told the call's `writes`
 * that a write left. Only `failures` can be caused; the checks of the others skip.
 */
export function withCrmFailures(
  name: string,
  definition: AdapterDefinition,
  failures: readonly UpstreamFailure[] = ['unavailable', 'rate-limited', 'auth'],
): { registry: AdapterRegistry; hooks: Hooks } {
  let failure: UpstreamFailure | undefined
  const losing = new Set<RecordKind>()

  const failed = (connection: string) => {
    if (failure === 'unavailable') return new UpstreamUnavailableError(`the CRM of connection "${connection}" answered 503`)
    if (failure === 'rate-limited') return new UpstreamRateLimitedError(connection, DAILY_WAIT_S, true)
    if (failure === 'auth') return new UpstreamAuthError(connection)
    return undefined
  }
  const guarded = <T extends object>(port: T, connection: string, kind?: RecordKind): T => {
    // Its own fields copied, so that a copy of it (`{ ...port }`) keeps them; a class's methods
    // stay on the prototype.
    const wrapped = Object.assign(Object.create(port), port) as Record<string, unknown>
    for (const key of methodsOf(port)) {
      const method = (port as Record<string, (...args: unknown[]) => Promise<unknown>>)[key]!
      wrapped[key] = async (...args: unknown[]) => {
        const error = failed(connection)
        if (error) throw error
        if (key !== 'doCreateMany' || !kind || !losing.delete(kind)) return method.apply(port, args)
        const options = args[1] as { writes?: { sending(): unknown } }
        options.writes?.sending()
        await method.apply(port, args)
        throw new UpstreamUnavailableError(`the connection to the CRM of "${connection}" dropped before its answer came`)
      }
    }
    const lookup = (port as { createdLookup?: object }).createdLookup
    if (lookup) wrapped.createdLookup = guarded(lookup, connection)
    return wrapped as T
  }

  const registry: AdapterRegistry = {
    [name]: async () => ({
      ...definition,
      create: (options, ctx) => {
        const adapter = definition.create(options, ctx)
        if (adapter.specificationVersion !== 'v2') throw new Error(`withCrmFailures wraps version 2 adapters; "${name}" is version 1`)
        const ports = Object.fromEntries(PORTS.flatMap((kind) => (adapter[kind] ? [[kind, guarded(adapter[kind], ctx.connection, isRecordKind(kind) ? kind : undefined)]] : [])))
        return Object.assign(guarded(adapter, ctx.connection), ports) as AdapterV2
      },
    }),
  }
  const hooks: Hooks = {
    breakUpstream: Object.fromEntries(
      failures.map((kind) => [
        kind,
        () => {
          failure = kind
        },
      ]),
    ),
    heal: () => {
      failure = undefined
    },
    loseNextCreate: (kind) => {
      losing.add(kind)
    },
  }
  return { registry, hooks }
}

const isRecordKind = (kind: string): kind is RecordKind => kind === 'contacts' || kind === 'companies'

/** The `do…` methods of `port`, its own and its class's. */
function methodsOf(port: object): string[] {
  const names = new Set<string>()
  for (let at: object | null = port; at && at !== Object.prototype; at = Object.getPrototypeOf(at)) {
    for (const key of Object.getOwnPropertyNames(at)) {
      if (key.startsWith('do') && typeof (port as Record<string, unknown>)[key] === 'function') names.add(key)
    }
  }
  return [...names]
}
