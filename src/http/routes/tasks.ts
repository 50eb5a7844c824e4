import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { RequestCallOptions } from '../call-options.ts'
import { UnauthorizedError } from '../../errors.ts'
import type { Runtime, Tenant } from '../../runtime/runtime.ts'
import {
  BatchCompleteBody,
  CreateHeaders,
  BatchGetBody,
  ErrorBody,
  Task,
  TaskCreate,
  TaskIdParams,
  TaskList,
  TaskPatch,
} from '../schemas/tasks.ts'
import type { TaskService } from '../../service/task-service.ts'

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant
    runtime: Runtime
    tasks: TaskService
    /** Lets go of the runtime this request holds. */
    release: () => void
  }
}

const errors = { '4xx': ErrorBody, '5xx': ErrorBody }
const security = [{ apiKey: [] }]

/**
 * The five contract routes, in an encapsulated context whose `onRequest` hook checks the API key,
 * so the key covers every task route and nothing else.
 */
const taskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.decorateRequest('tenant', null as unknown as Tenant)
  app.decorateRequest('runtime', null as unknown as Runtime)
  app.decorateRequest('tasks', null as unknown as TaskService)
  app.decorateRequest('release', () => {})

  app.addHook('onRequest', (request, _reply, done) => {
    const { runtime, service } = app.gateway.current
    const tenant = runtime.keys.find(request.headers['x-api-key'] as string | undefined)
    if (!tenant) return done(new UnauthorizedError())
    request.runtime = runtime
    request.tenant = tenant
    request.tasks = service
    request.release = runtime.hold()
    done()
  })
  app.addHook('onResponse', (request, _reply, done) => {
    request.release()
    done()
  })
  app.addHook('onRequestAbort', (request, done) => {
    request.release()
    done()
  })

  const callOptions = (request: FastifyRequest) =>
    new RequestCallOptions(request.runtime.config.limits.requestTimeoutMs, (warning) => request.log.warn({ warning }, 'adapter warning'))

  app.post(
    '/tasks',
    {
      schema: {
        operationId: 'createTask',
        summary: 'Create a task',
        headers: CreateHeaders,
        body: TaskCreate,
        response: { 201: Task, ...errors },
        security,
      },
    },
    async (request, reply) => {
      const options = callOptions(request)
      const create = () => request.tasks.create(request.tenant, request.body, options)
      const key = request.headers['idempotency-key']
      if (key === undefined) return reply.status(201).send(await create())
      const { task, replayed } = await app.gateway.idempotency.create(request.tenant.name, key, request.body, options.deadline, create)
      if (replayed) reply.header('idempotent-replayed', 'true')
      return reply.status(201).send(task)
    },
  )

  app.get(
    '/tasks/:taskId',
    { schema: { operationId: 'getTask', summary: 'Get a task', params: TaskIdParams, response: { 200: Task, ...errors }, security } },
    async (request) => request.tasks.get(request.tenant, request.params.taskId, callOptions(request)),
  )

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/tasks/:taskId',
      schema: {
        operationId: method === 'PATCH' ? 'updateTask' : 'updateTaskWithPut',
        summary: method === 'PATCH' ? 'Update a task, e.g. complete it' : 'Update a task (same as PATCH)',
        params: TaskIdParams,
        body: TaskPatch,
        response: { 200: Task, ...errors },
        security,
      },
      handler: async (request) =>
        request.tasks.update(request.tenant, request.params.taskId, request.body, callOptions(request)),
    })
  }

  app.post(
    '/tasks/batch',
    { schema: { operationId: 'getTasksBatch', summary: 'Get many tasks; missing ids are left out', body: BatchGetBody, response: { 200: TaskList, ...errors }, security } },
    async (request) => request.tasks.getMany(request.tenant, request.body.ids, callOptions(request)),
  )

  app.patch(
    '/tasks/batch',
    {
      schema: {
        operationId: 'completeTasksBatch',
        summary: 'Complete (or reopen) many tasks; missing ids are left out',
        body: BatchCompleteBody,
        response: { 200: TaskList, ...errors },
        security,
      },
    },
    async (request) =>
      request.tasks.completeMany(request.tenant, request.body.ids, request.body.completed, callOptions(request)),
  )
}

export default taskRoutes
