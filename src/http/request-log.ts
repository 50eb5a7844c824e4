import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import type { Logger } from 'pino'
import type { Tenant } from '../runtime/runtime.ts'
import { loggableUrl } from '../secrets.ts'

/**
 * One log line per request, when it is answered: method, path, status and milliseconds, with the
 * request id the logger binds (a rejected request also gets the error handler's line saying
 * why). Fastify's default is two lines (incoming, completed) with whole request and response
 * objects; at info level they cost more CPU than the gateway's own work. The incoming line
 * stays, at debug level, for following a request that never ends. URLs are logged without their
 * query values and without a record link's token (`loggableUrl`): a client may put a key in the
 * query, and the token is a capability.
 */
export class RequestLog extends LogController {
  constructor() {
    // Every line a request logs names it `requestId`, as the `X-Request-Id` it echoes (Fastify's own label is `reqId`).
    super({ requestIdLogLabel: 'requestId' })
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: loggableUrl(request.url) }, 'incoming request')
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: loggableUrl(request.url), statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 10) / 10 }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

/**
 * Names the tenant and its active connection on every line the request logs from now on, its own
 * line and the warnings logged while it is served: a 404 or a 502 can then be tied to a customer.
 * Called once its key is resolved, so a 401 names neither; the key itself is never logged. The
 * bindings are added to the request's own logger, which Fastify makes per request anyway.
 */
export function logTenant(request: FastifyRequest, tenant: Tenant): void {
  const log = request.log as Logger
  log.setBindings({ tenant: tenant.name, connection: tenant.active.name })
}
