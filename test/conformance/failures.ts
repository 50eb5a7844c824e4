import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { type TestContext, expect } from 'vitest'
import type { Harness, Method } from './harness.ts'
import { sampleRecord } from './records.ts'
import type { RecordKind, UpstreamFailure } from './target.ts'

const KINDS: readonly RecordKind[] = ['contacts', 'companies']

/**
 * A CRM that fails or rate-limits: the gateway says so, with a 5xx (a 503 with `Retry-After` for a
 * limit), and never answers as if the CRM held nothing. Each check breaks the target's CRM for a
 * gateway of its own, so that what a failure leaves behind (a rate limit's wait) stays there.
 */
export function describeFailureChecks(h: Harness) {
  /** The target's hook for `failure`, with `heal`, or the check skipped. */
  const breaker = (ctx: TestContext, failure: UpstreamFailure) => {
    const cause = h.target.breakUpstream?.[failure]
    const heal = h.target.heal
    if (!cause || !heal) ctx.skip(`the target cannot make its CRM fail so (${failure})`)
    return { cause: cause!, heal: heal! }
  }
  const during = async <T>(ctx: TestContext, failure: UpstreamFailure, prepare: (app: FastifyInstance) => Promise<T>, run: (app: FastifyInstance, held: T) => Promise<void>) => {
    const { cause, heal } = breaker(ctx, failure)
    await h.ownGateway(async (app) => {
      const held = await prepare(app)
      cause()
      try {
        await run(app, held)
      } finally {
        heal()
      }
    })
  }

  h.check('upstream failures: reported as 502, never as an empty result', async (ctx) => {
    if (!h.adapter.tasks) ctx.skip('the adapter has no tasks port')
    const { cause: auth } = breaker(ctx, 'auth')
    await during(
      ctx,
      'unavailable',
      async (app) => (await h.send('POST', '/tasks', { subject: 'before the outage' }, app)).json().id as string,
      async (app, id) => {
        const batch = await h.send('POST', '/tasks/batch', { ids: [id] }, app)
        expect(batch.statusCode, 'a failing CRM is a 5xx on batch get, not []').toBeGreaterThanOrEqual(502)
        const get = await h.send('GET', `/tasks/${id}`, undefined, app)
        expect([502, 503], 'a failing CRM is 502 or 503 on get').toContain(get.statusCode)
        auth()
        const refused = await h.send('POST', '/tasks', { subject: 'x' }, app)
        expect(refused.statusCode, 'rejected credentials are a 502').toBeGreaterThanOrEqual(502)
      },
    )
  })

  for (const [failure, what] of [
    ['unavailable', 'is down'],
    ['rate-limited', 'rate-limits'],
  ] as const) {
    h.check(`upstream failures: a CRM that ${what}: sync, export, update and batch get answer ${failure === 'unavailable' ? 'a 5xx' : '503 with Retry-After'}, never an empty answer`, async (ctx) => {
      const kinds = KINDS.filter((kind) => h.adapter[kind])
      if (!h.adapter.tasks && kinds.length === 0) ctx.skip('the adapter has neither tasks nor records')
      const answers = (res: LightMyRequestResponse, what: string, operation: string) => {
        const rule = `(rule: upstream failures, ${failure}, ${operation})`
        if (failure === 'unavailable') {
          expect(res.statusCode, `${what} while the CRM is down answers a 5xx, never ${res.statusCode} ${rule}: ${res.body}`).toBeGreaterThanOrEqual(502)
        } else {
          expect(res.statusCode, `${what} while the CRM rate-limits answers 503, never ${res.statusCode} ${rule}: ${res.body}`).toBe(503)
          expect(Number(res.headers['retry-after']), `${what} while the CRM rate-limits says when to retry: Retry-After ${rule}`).toBeGreaterThan(0)
        }
      }
      await during(
        ctx,
        failure,
        async (app) => {
          const task = h.adapter.tasks ? ((await h.send('POST', '/tasks', { subject: `before ${failure}` }, app)).json().id as string) : undefined
          const records = []
          for (const kind of kinds) {
            const body = sampleRecord(h.adapter[kind]!, kind, h.unique(failure))
            const res = await h.send('POST', `/${kind}`, { [kind]: [body] }, app)
            expect(res.statusCode, `export of ${kind} before the failure answers 200: ${res.body}`).toBe(200)
            records.push({ kind, body, crmId: (res.json() as { results: { crmId: string }[] }).results[0]!.crmId })
          }
          return { task, records }
        },
        async (app, { task, records }) => {
          const send = (method: Method, url: string, payload: unknown) => h.send(method, url, payload, app)
          if (task) answers(await send('POST', '/tasks/batch', { ids: [task] }), 'a batch get of tasks', 'batch get')
          for (const { kind, body, crmId } of records) {
            answers(await send('POST', `/${kind}/sync`, { [kind]: [body] }), `a sync of ${kind}`, 'sync')
            answers(await send('POST', `/${kind}`, { [kind]: [sampleRecord(h.adapter[kind]!, kind, h.unique(failure))] }), `an export of ${kind}`, 'export')
            answers(await send('PUT', `/${kind}`, { [kind]: [{ ...body, crmId }] }), `an update of ${kind}`, 'update')
          }
        },
      )
    })
  }
}
