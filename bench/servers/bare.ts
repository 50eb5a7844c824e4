import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import { gatewayKeywords } from '../../src/contract/keywords.ts'
import { createLogger } from '../../src/logger.ts'
import { ErrorBody } from '../../src/contract/common.ts'
import { Task, TaskCreate } from '../../src/contract/tasks.ts'

/**
 * The baseline: a bare Fastify server doing the same JSON work with the same schemas, and none
 * of the gateway (no auth, ids, adapters, fan-out, metrics). With BARE_SETUP=gateway it is set up
 * as the gateway sets Fastify up (pino with the same redaction, a request id per request, a hook
 * at each of the stages the gateway hooks, error schemas), still with none of the gateway's work:
 * the difference between the two is what that setup costs.
 */
const setup = process.env.BARE_SETUP === 'gateway'
const app = Fastify({
  ...(setup ? { loggerInstance: createLogger('silent') as FastifyBaseLogger, genReqId: () => randomUUID() } : { logger: false }),
  ajv: { customOptions: { coerceTypes: false }, plugins: [gatewayKeywords] },
}).withTypeProvider<TypeBoxTypeProvider>()
if (setup) {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  app.addHook('onSend', (_request, _reply, payload, done) => done(null, payload))
  app.addHook('onResponse', (_request, _reply, done) => done())
}
const errors = setup ? { '4xx': ErrorBody, '5xx': ErrorBody } : {}
const task = { id: 'local.abcdefghijklmnopqrstuv', subject: 'Follow up', completed: false, completedAt: null }
app.get('/tasks/:taskId', { schema: { response: { 200: Task, ...errors } } }, async () => task)
app.post('/tasks', { schema: { body: TaskCreate, response: { 201: Task, ...errors } } }, async (request, reply) =>
  reply.status(201).send({ ...request.body, id: task.id, completed: false, completedAt: null }),
)
const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ url })}\n`)
