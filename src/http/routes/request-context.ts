import type { FastifyRequest } from 'fastify'
import { RequestCallOptions } from '../call-options.ts'

/** The deadline, cancellation and warnings of one request, as the services pass them on. */
export const callOptions = (request: FastifyRequest) =>
  new RequestCallOptions(
    request.runtime.config.limits.requestTimeoutMs,
    (warning) => request.log.warn({ warning }, 'adapter warning'),
    request.response,
    request.trace,
  )

/** The security requirement every route of Enginy's interface declares in the OpenAPI document. */
export const security = [{ apiKey: [] }]
