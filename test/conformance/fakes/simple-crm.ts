import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, NativeTask, UpstreamRequest } from '../../../src/kit/spec.ts'
import { header } from '../../../src/upstream/types.ts'
import { HttpFake, type SeenRequest, type Step } from './http-fake.ts'

/**
 * A minimal CRM for testing the core against real HTTP: a JSON REST API over tasks, and an
 * adapter for it. `POST /tasks`, `GET /tasks/:id`, `PATCH /tasks/:id`, `POST /tasks/read`
 * (`{ids}`, at most 10, a safe-to-repeat read) and `GET /me`. Bearer token `secret-token`.
 */
export const SIMPLE_TOKEN = 'secret-token-5f2b9c'

const Remote = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  done: Type.Boolean(),
  doneAt: Type.Union([Type.Number(), Type.Null()]),
  due: Type.Optional(Type.Number()),
})

const toNative = (r: typeof Remote.static): NativeTask => ({
  id: r.id,
  subject: r.subject,
  completed: r.done,
  completedAt: r.doneAt,
  ...(r.due === undefined ? {} : { dueDate: r.due }),
})

export const simpleAdapter: AdapterDefinition = {
  options: Type.Object(
    { baseUrl: Type.String(), token: Type.String(), maxBatchRead: Type.Integer({ default: 10 }) },
    { additionalProperties: false },
  ),
  create(options, ctx) {
    const { baseUrl, token, maxBatchRead } = options as { baseUrl: string; token: string; maxBatchRead: number }
    const client = ctx.upstream({
      baseUrl,
      headers: { authorization: `Bearer ${token}` },
      errorMessage: (body) => (body as { error?: string }).error,
      signals: {
        budget: (response) => {
          const remaining = header(response, 'x-ratelimit-remaining')
          const reset = header(response, 'x-ratelimit-reset')
          return remaining === undefined || reset === undefined
            ? undefined
            : { remaining: Number(remaining), resetMs: Number(reset) * 1000 }
        },
        retryAfter: (response) =>
          header(response, 'x-daily-limit') === 'spent' ? { ms: 3_600_000, daily: true } : undefined,
      },
    })
    const req = (r: Omit<UpstreamRequest, 'options'>, options: UpstreamRequest['options']) => ({ ...r, options })
    return {
      specificationVersion: 'v1',
      adapter: 'simple',
      capabilities: { maxBatchRead, maxBatchUpdate: 1 },
      isNativeId: (id) => /^[1-9]\d{0,8}$/.test(id),
      async doCreate(input, options) {
        const body = { subject: input.subject, due: input.dueDate }
        return toNative(await client.json(req({ method: 'POST', route: '/tasks', body }, options), Remote))
      },
      async doGetMany(ids, options) {
        const read = req({ method: 'POST', route: '/tasks/read', body: { ids }, idempotent: true }, options)
        return (await client.json(read, Type.Array(Remote))).map(toNative)
      },
      async doUpdate(id, patch, options) {
        const body = { subject: patch.subject, due: patch.dueDate, done: patch.completed }
        const found = await client.json(
          req({ method: 'PATCH', route: '/tasks/{id}', params: { id }, body }, options),
          Remote,
          'null',
        )
        return found && toNative(found)
      },
      async doCompleteMany(ids, completed, options) {
        const found = await this.doUpdate(ids[0]!, { completed }, options)
        return found ? [found] : []
      },
      async doCheck(options) {
        await client.send(req({ method: 'GET', route: '/me' }, options))
      },
    }
  },
}

export const simpleRegistry = { simple: async () => simpleAdapter }

/** The fake's own behaviour, used whenever no scripted step is queued. */
export function simpleCrmHandler(): (request: SeenRequest) => Step {
  const tasks = new Map<string, { id: string; subject: string; done: boolean; doneAt: number | null; due?: number }>()
  let next = 1
  return (request) => {
    if (request.headers.authorization !== `Bearer ${SIMPLE_TOKEN}`) return { status: 401, body: { error: 'bad token' } }
    const body = (request.body ?? {}) as Record<string, unknown>
    if (request.method === 'GET' && request.path === '/me') return { body: { ok: true } }
    if (request.method === 'POST' && request.path === '/tasks') {
      if (typeof body.subject !== 'string') return { status: 400, body: { error: 'subject is required' } }
      const task = { id: String(next++), subject: body.subject, done: false, doneAt: null, due: body.due as number | undefined }
      tasks.set(task.id, task)
      return { status: 201, body: task }
    }
    if (request.method === 'POST' && request.path === '/tasks/read') {
      const ids = body.ids as string[]
      if (ids.length > 10) return { status: 400, body: { error: 'at most 10 ids' } }
      return { body: ids.flatMap((id) => (tasks.has(id) ? [tasks.get(id)] : [])) }
    }
    const match = /^\/tasks\/(\d+)$/.exec(request.path)
    const task = match && tasks.get(match[1]!)
    if (request.method === 'PATCH' && match) {
      if (!task) return { status: 404, body: { error: 'not found' } }
      if (typeof body.subject === 'string') task.subject = body.subject
      if (typeof body.done === 'boolean') {
        if (body.done && !task.done) task.doneAt = Date.now()
        if (!body.done) task.doneAt = null
        task.done = body.done
      }
      return { body: task }
    }
    return { status: 404, body: { error: 'no route' } }
  }
}

export async function startSimpleCrm(): Promise<HttpFake> {
  return HttpFake.start(simpleCrmHandler())
}
