import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import { isDueDate } from '../../src/dates.ts'
import { Task, TaskCreate } from '../../src/schemas.ts'

/**
 * The baseline: a bare Fastify server doing the same JSON work with the same schemas, and none
 * of the gateway (no auth, ids, adapters, fan-out, metrics).
 */
const app = Fastify({
  logger: false,
  ajv: { customOptions: { coerceTypes: false, formats: { 'enginy-datetime': { type: 'string', validate: isDueDate } } } },
}).withTypeProvider<TypeBoxTypeProvider>()
const task = { id: 'local.abcdefghijklmnopqrstuv', subject: 'Follow up', completed: false, completedAt: null }
app.get('/tasks/:taskId', { schema: { response: { 200: Task } } }, async () => task)
app.post('/tasks', { schema: { body: TaskCreate, response: { 201: Task } } }, async (request, reply) =>
  reply.status(201).send({ ...request.body, id: task.id, completed: false, completedAt: null }),
)
const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ url })}\n`)
