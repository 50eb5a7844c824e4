import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { RequestTrace, Tracing } from '../../ops/tracing-types.ts'
import type { Tenant } from '../../runtime/runtime.ts'
import { toGatewayError } from './error-handler.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's span, when traces are on; its call options carry it to the CRM calls. */
    trace?: RequestTrace
  }
}

/**
 * One server span per request, registered only when traces are on: with them off no hook runs.
 * The span starts as the request is routed and ends when its answer is sent, or when the client
 * hangs up first: a client that leaves after sending its whole body fires no onResponse, and the
 * response's 'close' comes in every case.
 */
async function tracingPlugin(app: FastifyInstance, options: { tracing: Tracing }) {
  const { tracing } = options
  app.decorateRequest('trace', undefined)
  app.addHook('onRequest', (request, reply, done) => {
    const trace = tracing.request(request.headers, request.method, request.routeOptions.url, request.id)
    request.trace = trace
    reply.raw.once('close', () => end(trace, request, reply))
    done()
  })
  app.addHook('onError', (request, _reply, error, done) => {
    request.trace?.failed(toGatewayError(error).code)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    if (request.trace) end(request.trace, request, reply)
    done()
  })
}

function end(trace: RequestTrace, request: FastifyRequest, reply: FastifyReply): void {
  // Set by the key check of Enginy's routes; absent on a 401 and on routes that take no key.
  const tenant = request.tenant as Tenant | null | undefined
  trace.end({
    status: reply.raw.writableEnded ? reply.statusCode : undefined,
    tenant: tenant?.name,
    connection: tenant?.active.name,
  })
}

export default fp(tracingPlugin, { name: 'tracing', fastify: '5.x' })
