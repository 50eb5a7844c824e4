import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { STATUS_CODES } from 'node:http'
import { BadRequestError, BatchTooLargeError, FASTIFY_ERRORS, GatewayError, InternalError, LinkNotFoundError, RouteNotFoundError } from '../../errors.ts'
import { bodyStillComing, lingerBeforeClose } from '../sockets.ts'

/**
 * The one place errors become responses: `{statusCode, error, message, code}` always, the status
 * taken from the typed error, `Retry-After` when the error knows it. 5xx are logged at `error`,
 * 4xx at `info`. Anything that is not one of ours is a 500 whose message is logged, not sent.
 */
export function toGatewayError(error: FastifyError | Error): GatewayError {
  if (error instanceof GatewayError) return error
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    // The one batch limit a schema states (contacts exports, 100: `maxItems`) answers as the
    // limits the services check (`limits.maxBatchRecords`, `maxBatchIds`): one rule, one code.
    const [first] = fastifyError.validation
    if (first?.keyword === 'maxItems') return new BatchTooLargeError(Number(first.params.limit), first.instancePath.slice(1))
    return new BadRequestError(error.message)
  }
  const mapped = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined
  if (mapped) return mapped(error.message)
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new BadRequestError(error.message)
  }
  return new InternalError(undefined, { cause: error })
}

/** How deep a chain of causes is followed: a cycle (`a.cause = a`) must not hang the handler. */
const MAX_CAUSES = 8

/**
 * What an error stands for, outermost first, one line each (`TransportError: upstream transport
 * broken (ECONNRESET)`), scrubbed: for the log only. The answer says nothing of it, since a cause
 * names hosts, stores and the gateway's insides.
 */
export function causeChain(error: Error, scrub: (text: string) => string = (text) => text): string[] {
  const chain: string[] = []
  for (let cause = error.cause; cause !== undefined && chain.length < MAX_CAUSES; cause = (cause as { cause?: unknown }).cause) {
    const line = cause instanceof Error ? `${cause.constructor.name}: ${cause.message}` : String(cause)
    chain.push(scrub(line))
    if (!(cause instanceof Error)) break
  }
  return chain
}

/**
 * The credentials of the connections a request could reach, taken out of the message: the
 * upstream client scrubs what it relays from a CRM, and this is the second line, for every
 * message from every adapter.
 */
function scrubbed(request: FastifyRequest, message: string): string {
  const connections = request.tenant?.connections
  if (!connections) return message
  let clean = message
  for (const connection of connections.values()) clean = connection.scrub(clean)
  return clean
}

async function errorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = toGatewayError(error)
    const message = scrubbed(request, mapped.message)
    const chain = causeChain(mapped, (text) => scrubbed(request, text))
    const causes = chain.length > 0 ? { causes: chain } : {}
    if (mapped.statusCode >= 500) {
      const detail = mapped instanceof InternalError && mapped.detail ? { detail: scrubbed(request, mapped.detail) } : {}
      request.log.error({ err: mapped === error ? { code: mapped.code, message, ...detail, ...causes } : error }, 'request failed')
    } else {
      request.log.info({ code: mapped.code, message, ...causes }, 'request rejected')
    }
    if (mapped.retryAfterSeconds !== undefined) reply.header('retry-after', String(mapped.retryAfterSeconds))
    if (bodyStillComing(request.raw)) {
      reply.header('connection', 'close')
      lingerBeforeClose(request.raw.socket)
    }
    if (mapped.challenge !== undefined) reply.header('www-authenticate', mapped.challenge)
    return reply.status(mapped.statusCode).send({
      statusCode: mapped.statusCode,
      error: STATUS_CODES[mapped.statusCode] ?? 'Error',
      message,
      code: mapped.code,
    })
  })

  app.setNotFoundHandler((request) => {
    // A path under /links/ that is no link (no id, one too long for the router) is the links'
    // one 404 too: its answer tells nothing, and its message never repeats the token.
    if (request.url.startsWith('/links/')) throw new LinkNotFoundError()
    throw new RouteNotFoundError(`Route ${request.method} ${request.url.split('?')[0]} not found`)
  })
}

export default fp(errorHandler, { name: 'error-handler', fastify: '5.x' })
