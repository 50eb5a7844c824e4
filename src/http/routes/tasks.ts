import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERRORS } from '../schemas/common.ts'
import { BatchCompleteBody, BatchGetBody, CreateHeaders, Task, TaskCreate, TaskIdParams, TaskList, TaskPatch } from '../schemas/tasks.ts'
import { keyedCreate } from './keyed-create.ts'
import { callOptions, security } from './request-context.ts'

const errors = ERRORS

/** The five task routes of Enginy's interface (the API key is checked by `enginy.ts`). */
const taskRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      const create = () => request.services.tasks.create(request.tenant, request.body, options)
      const key = request.headers['idempotency-key']
      if (key === undefined) return reply.status(201).send(await create())
      const keyed = keyedCreate(request, request.body, options)
      const { task, replayed } = await app.gateway.idempotency.create(request.tenant.name, key, request.body, options.deadline, keyed)
      if (replayed) reply.header('idempotent-replayed', 'true')
      return reply.status(201).send(task)
    },
  )

  app.get(
    '/tasks/:taskId',
    { schema: { operationId: 'getTask', summary: 'Get a task', params: TaskIdParams, response: { 200: Task, ...errors }, security } },
    async (request) => request.services.tasks.get(request.tenant, request.params.taskId, callOptions(request)),
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
        request.services.tasks.update(request.tenant, request.params.taskId, request.body, callOptions(request)),
    })
  }

  app.post(
    '/tasks/batch',
    { schema: { operationId: 'getTasksBatch', summary: 'Get many tasks; missing ids are left out', body: BatchGetBody, response: { 200: TaskList, ...errors }, security } },
    async (request) => request.services.tasks.getMany(request.tenant, request.body.ids, callOptions(request)),
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
      request.services.tasks.completeMany(request.tenant, request.body.ids, request.body.completed, callOptions(request)),
  )
}

export default taskRoutes
