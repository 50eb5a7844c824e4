import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { RouteNotFoundError } from '../../errors.ts'
import { RequestCallOptions } from '../call-options.ts'
import { answer } from '../../contract/common.ts'
import { errorAnswers } from '../../contract/error-answers.ts'

/** The largest event body taken: a CRM's event is one record, a few KiB. */
const EVENT_BYTES = 256 * 1024

const Params = Type.Object({ connection: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'the connection the events are of', examples: ['pipedrive'] }) })
const Received = Type.Object({ changes: Type.Integer({ minimum: 0, description: 'the changes the event carried', examples: [1] }) }, { additionalProperties: false })

/**
 * `POST /webhooks/:connection`: where a CRM delivers the events of a connection with a mirror and
 * webhooks (`src/mirror/mirror.ts`, `receive`). No API key: the CRM sends none; the HTTP Basic
 * credentials the gateway derived for the subscription are checked instead. The body is bounded,
 * nothing of it reaches the CRM (no call is made, so the tenant's CRM budget is untouched), and a
 * connection without webhooks is a route that does not exist.
 */
const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/webhooks/:connection',
    {
      bodyLimit: EVENT_BYTES,
      schema: {
        operationId: 'receiveWebhook',
        summary: "A CRM's event for a connection's mirror (HTTP Basic, the credentials of its subscription; no API key)",
        params: Params,
        response: { 200: answer(Received, 'The event was applied (or was older than what the mirror holds)'), ...errorAnswers('BAD_REQUEST', 'UNAUTHORIZED', 'ROUTE_NOT_FOUND', 'BODY_TOO_LARGE', 'INTERNAL') },
      },
    },
    async (request) => {
      const { runtime } = app.gateway.current
      const mirror = runtime.connections.get(request.params.connection)?.mirror
      if (!mirror?.listens) throw new RouteNotFoundError(`Route POST /webhooks/${request.params.connection} not found`)
      const release = runtime.hold()
      try {
        const options = new RequestCallOptions(runtime.config.limits.requestTimeoutMs, (warning) => request.log.warn({ warning }, 'adapter warning'))
        return { changes: await mirror.receive(request.headers.authorization, request.body, options) }
      } finally {
        release()
      }
    },
  )
}

export default webhookRoutes
