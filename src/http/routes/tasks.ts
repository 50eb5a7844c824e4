import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { answer } from '../../contract/common.ts'
import { BODY, CRM_FAILED, KEYED, errorAnswers } from '../../contract/error-answers.ts'
import { BatchCompleteBody, BatchGetBody, CreateHeaders, Task, TaskCreate, TaskIdParams, TaskList, TaskPatch } from '../../contract/tasks.ts'
import { keyedCreate } from './keyed-create.ts'
import { callOptions, security } from './request-context.ts'

const created = answer(Task, 'The task created; with a repeated Idempotency-Key, the first one', {
  'idempotent-replayed': { type: 'string', description: '`true` when the task is the first one of this Idempotency-Key, answered again', example: 'true' },
})
const found = answer(Task, 'The task, as the CRM holds it')
const changed = answer(Task, 'The task as it is now')
const one = [...KEYED, 'BAD_REQUEST', 'TASK_NOT_FOUND', 'UPSTREAM_REJECTED', ...CRM_FAILED] as const
const many = [...KEYED, ...BODY, 'BATCH_TOO_LARGE', 'UPSTREAM_REJECTED', ...CRM_FAILED] as const

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
        response: {
          201: created,
          ...errorAnswers(
            ...KEYED,
            ...BODY,
            'REFERENCE_ELSEWHERE',
            'REFERENCE_NOT_FOUND',
            'UPSTREAM_REJECTED',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_KEY_IN_FLIGHT',
            'IDEMPOTENCY_KEY_IN_DOUBT',
            'IDEMPOTENCY_STORE_FULL',
            'IDEMPOTENCY_STORE_UNAVAILABLE',
            'NOT_SUPPORTED',
            ...CRM_FAILED,
          ),
        },
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
    { schema: { operationId: 'getTask', summary: 'Get a task', params: TaskIdParams, response: { 200: found, ...errorAnswers(...one) }, security } },
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
        response: { 200: changed, ...errorAnswers(...one, ...BODY, 'REFERENCE_ELSEWHERE', 'REFERENCE_NOT_FOUND') },
        security,
      },
      handler: async (request) =>
        request.services.tasks.update(request.tenant, request.params.taskId, request.body, callOptions(request)),
    })
  }

  app.post(
    '/tasks/batch',
    {
      schema: {
        operationId: 'getTasksBatch',
        summary: 'Get many tasks; missing ids are left out',
        body: BatchGetBody,
        response: { 200: answer(TaskList, 'The tasks that exist, in the order of their first appearance, each once'), ...errorAnswers(...many) },
        security,
      },
    },
    async (request) => request.services.tasks.getMany(request.tenant, request.body.ids, callOptions(request)),
  )

  app.patch(
    '/tasks/batch',
    {
      schema: {
        operationId: 'completeTasksBatch',
        summary: 'Complete (or reopen) many tasks; missing ids are left out',
        body: BatchCompleteBody,
        response: { 200: answer(TaskList, 'The tasks that exist, completed (or reopened), in the order of their first appearance'), ...errorAnswers(...many) },
        security,
      },
    },
    async (request) =>
      request.services.tasks.completeMany(request.tenant, request.body.ids, request.body.completed, callOptions(request)),
  )
}

export default taskRoutes
