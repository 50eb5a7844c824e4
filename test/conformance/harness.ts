import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Logger } from 'pino'
import { type TestContext, it } from 'vitest'
import type { AdapterV2, AdapterWarning } from '../../src/kit/spec.ts'
import type { Connection } from '../../src/runtime/connections.ts'
import { LINK_TOKEN, capturedLogger, headers, testApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'
import { type MissingIds, type MissingKind, missingIds } from './missing-ids.ts'
import type { ConformanceTarget } from './target.ts'

/** The connection every target is served as. */
export const CONNECTION = 'crm'
/** The most ids one batch of the suite's gateway takes: the config's ceiling, so a batch of 2.5
 * times any declared size fits. */
export const MAX_BATCH_IDS = 100_000
/** The most log lines a failed check shows, the last ones, each cut to `LOG_LINE_CHARS`. */
const LOG_LINES = 40
const LOG_LINE_CHARS = 2000

export type Method = 'GET' | 'PATCH' | 'POST' | 'PUT'

/**
 * What every group of checks shares: the gateway in front of the target, its adapter (to read
 * the declared ports and capabilities, never its name), the log of adapter warnings, and values
 * unique to this run so that checks never meet each other's records in a CRM that keeps them.
 */
export class Harness {
  private started: { target: ConformanceTarget; app?: FastifyInstance; logger: Logger; lines: string[]; missing?: MissingIds } | undefined
  /** Unique to this run of the suite: CRMs (fakes, databases) may hold records of earlier runs. */
  readonly run = randomUUID().slice(0, 8)
  private counter = 0

  async start(target: ConformanceTarget): Promise<void> {
    const { logger, lines } = capturedLogger('warn')
    // Kept before the gateway starts, so that `stop` closes the target even if it does not.
    this.started = { target, logger, lines }
    this.started.app = await this.gateway()
    // What links need is read from the CRM in the background within a second of the start: the
    // checks that count the CRM's calls begin once that read is done. One that never succeeds
    // fails the links checks, which say why.
    await waitFor(() => this.connection.links.learned, 10_000).catch(() => {})
    this.started.missing = await missingIds(target, this.adapter, CONNECTION, (method, url, payload) => this.send(method, url, payload))
  }

  async stop(): Promise<void> {
    await this.started?.app?.close()
    await this.started?.target.close()
  }

  get target(): ConformanceTarget {
    return this.need().target
  }

  get app(): FastifyInstance {
    const { app } = this.need()
    if (!app) throw new Error('the gateway did not start (see the error of beforeAll)')
    return app
  }

  get connection(): Connection {
    return this.app.gateway.current.runtime.connections.get(CONNECTION)!
  }

  /** The adapter as the gateway serves it (a version 1 adapter already wrapped as version 2). */
  get adapter(): AdapterV2 {
    return this.connection.adapter
  }

  send(method: Method, url: string, payload?: unknown, app = this.app): Promise<LightMyRequestResponse> {
    return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
  }

  /**
   * `fn` run against a gateway of its own in front of the same target, closed afterwards: what a
   * check of failures leaves in a gateway (a rate limit's wait, a spent daily limit) stays there.
   */
  async ownGateway<T>(fn: (app: FastifyInstance) => Promise<T>): Promise<T> {
    const app = await this.gateway()
    try {
      return await fn(app)
    } finally {
      await app.close()
    }
  }

  /** A native id of `kind` the CRM does not hold, checked at the start; a check that needs a
   * missing one the target gave wrong fails, saying why. */
  missingId(kind: MissingKind): string {
    const missing = this.need().missing
    if (!missing) throw new Error('the missing ids were not checked (see the error of beforeAll)')
    const found = missing[kind]
    if ('problem' in found) throw new Error(found.problem)
    return found.id
  }

  /** What `missingId` answers for each kind, or why it cannot: for the check of the target. */
  get missingIds(): MissingIds {
    const missing = this.need().missing
    if (!missing) throw new Error('the missing ids were not checked (see the error of beforeAll)')
    return missing
  }

  /** `fn`'s result, and the adapter warnings logged while it ran (the `adapter warning` lines). */
  async warnings<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: AdapterWarning[] }> {
    const { lines } = this.need()
    const from = lines.length
    const value = await fn()
    const warnings = lines.slice(from).flatMap((line) => {
      const entry = JSON.parse(line) as { msg?: string; warning?: AdapterWarning }
      return entry.msg === 'adapter warning' && entry.warning ? [entry.warning] : []
    })
    return { value, warnings }
  }

  /**
   * A check: `it(title, fn)`, whose failure shows what the gateway logged while it ran (warnings
   * and errors, the cause of a 500 among them), so that a failure reads as more than a status.
   */
  check(title: string, fn: (ctx: TestContext) => Promise<void>): void {
    it(title, async (ctx) => {
      const from = this.started?.lines.length ?? 0
      try {
        await fn(ctx)
      } catch (error) {
        throw withLog(error, this.started?.lines.slice(from) ?? [])
      }
    })
  }

  /** A value no other check of this run uses, e.g. `unique('dup')` is `dup-1a2b3c4d-7`. */
  unique(tag: string): string {
    return `${tag}-${this.run}-${++this.counter}`
  }

  private gateway(): Promise<FastifyInstance> {
    const { target, logger } = this.need()
    return testApp({
      connections: {
        [CONNECTION]: {
          concurrency: 3,
          // Quick retries and a breaker that stays closed keep the failure checks short and
          // keep them from leaking into the other checks.
          retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 20 },
          breaker: { failures: 1000, cooldownMs: 1000 },
          ...target.connection,
        },
      },
      // Batches of 2.5 times the declared sizes, whatever they are.
      limits: { maxBatchIds: MAX_BATCH_IDS, bodyLimitBytes: 16 * 1024 * 1024 },
      // Links on: what they need from the CRM is learned from the start.
      auth: { linkTokens: LINK_TOKEN },
      registry: target.registry,
      dispatcher: target.dispatcher,
      logger,
    })
  }

  private need() {
    if (!this.started) throw new Error('the conformance target did not start (see the error of beforeAll)')
    return this.started
  }
}

/** `error` with the gateway's log lines appended to its message; a skip passes as it came. */
function withLog(error: unknown, lines: readonly string[]): unknown {
  if (!(error instanceof Error) || (error as { code?: string }).code === 'VITEST_PENDING' || lines.length === 0) return error
  const shown = lines.slice(-LOG_LINES).map((line) => (line.length > LOG_LINE_CHARS ? `${line.slice(0, LOG_LINE_CHARS)}…` : line))
  const before = error.message
  error.message = `${before}\n\nThe gateway logged while the check ran${lines.length > LOG_LINES ? ` (the last ${LOG_LINES} of ${lines.length} lines)` : ''}:\n${shown.join('\n')}`
  if (error.stack?.includes(before)) error.stack = error.stack.replace(before, () => error.message)
  return error
}

/** The value, or the check reported as skipped with the reason: a target that cannot run a check
 * is never counted as passing it. */
export function needs<T>(ctx: TestContext, value: T | undefined | null | false, reason: string): T {
  if (value === undefined || value === null || value === false) ctx.skip(reason)
  return value as T
}

const ALPHABETS = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ']

/**
 * `count` distinct native ids of `sample`'s form, other than `sample`: its last characters
 * replaced by a counter in the alphabet of its last character (digits for `12345678901`, capitals
 * for `AAAAAAAAAAAAAAAAAAAAAA`), kept only where `isNativeId` accepts them. The default of
 * `ConformanceTarget.missingNativeIds`: close to an id the CRM surely does not hold.
 */
export function idsLike(sample: string, count: number, isNativeId: (id: string) => boolean): string[] {
  const last = sample.at(-1) ?? '0'
  const alphabet = ALPHABETS.find((letters) => letters.includes(last)) ?? ALPHABETS[0]!
  const width = Math.max(1, Math.ceil(Math.log(2 * count + 2) / Math.log(alphabet.length)))
  const prefix = sample.length > width ? sample.slice(0, sample.length - width) : sample
  const ids = new Set<string>()
  for (let i = 0; ids.size < count && i < alphabet.length ** width; i++) {
    let suffix = ''
    for (let n = i, k = 0; k < width; k++, n = Math.floor(n / alphabet.length)) suffix = alphabet[n % alphabet.length] + suffix
    const id = prefix + suffix
    if (id !== sample && isNativeId(id)) ids.add(id)
  }
  return [...ids]
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The longest a check waits for a created-record lookup to show what a create made. */
const LOOKUP_WAIT_MS = 20_000

/**
 * What `find` answers once it finds something, asked again a moment apart for as long as the
 * lookup's `settleMs` allows (20 s at most): a CRM's search may show a new record late, as long as
 * its lookup says.
 */
export async function foundWithin<T>(settleMs: number, find: () => Promise<readonly T[]>): Promise<readonly T[]> {
  const until = Date.now() + Math.min(settleMs, LOOKUP_WAIT_MS)
  let found = await find()
  while (found.length === 0 && Date.now() < until) {
    await sleep(250)
    found = await find()
  }
  return found
}
