import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import type { GatewayConfig } from './config/types.ts'
import { MAX_BODY_LIMIT_BYTES } from './config/schema.ts'
import { createLogger } from './logger.ts'
import { RequestLog } from './http/request-log.ts'
import bodyLimit from './http/plugins/body-limit.ts'
import errorHandler from './http/plugins/error-handler.ts'
import { socketLimits } from './http/sockets.ts'
import configReload, { type ConfigReloadOptions } from './http/plugins/config-reload.ts'
import gateway from './http/plugins/gateway.ts'
import openapi from './http/plugins/openapi.ts'
import { gatewayKeywords } from './contract/keywords.ts'
import opsRoutes from './http/routes/ops.ts'
import statusRoutes from './http/routes/status.ts'
import enginyRoutes from './http/routes/enginy.ts'
import linkRoutes from './http/routes/links.ts'
import tracingPlugin from './http/plugins/tracing.ts'
import type { Tracing } from './ops/tracing-types.ts'
import webhookRoutes from './http/routes/webhooks.ts'

export interface BuildOptions {
  readonly config: GatewayConfig
  readonly logger?: Logger
  /** Replaces every connection's HTTP pool; tests pass undici's MockAgent here. */
  readonly dispatcher?: Dispatcher
  /** Watch this config file, and reload it on change (and on SIGHUP with `onSignal`). */
  readonly reload?: ConfigReloadOptions
  /** A span per request and per CRM call, when the OTEL_* variables turn traces on (`startTracing`). */
  readonly tracing?: Tracing
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Builds the gateway without listening: `src/server.ts` listens, tests use `inject()`. */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger()
  const { config } = options
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLog(),
    // The limit in force is checked per request (`body-limit.ts`), so that a reload changes it.
    bodyLimit: MAX_BODY_LIMIT_BYTES,
    ...socketLimits(config.limits.requestTimeoutMs),
    // No parameter is refused by the router (a bare 414 of Fastify's): a long one reaches its
    // route, whose schema or service answers in the gateway's words (a link, with the links' one
    // 404). Node's limit on a request's headers (16 KiB) bounds a URL anyway.
    routerOptions: { maxParamLength: 16_384 },
    // `request.ip`, by which failed authentications are counted (`src/config/trust-proxy.ts`).
    trustProxy: config.trustProxy.length > 0 && [...config.trustProxy],
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: {
      customOptions: {
        // The contract makes a field of the wrong type a 400: no silent "1" -> 1 or "true" -> true.
        coerceTypes: false,
      },
      plugins: [gatewayKeywords],
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // The contract speaks JSON only: any other body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain')
  // Hooks on every request take a callback rather than returning a promise: it is cheaper.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // While stopping, answers in flight close their connection: a client's idle keep-alive socket
  // would otherwise hold the server open until it times out.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  if (options.tracing) await app.register(tracingPlugin, { tracing: options.tracing })
  await app.register(errorHandler)
  await app.register(gateway, { config, runtime: { logger, dispatcher: options.dispatcher } })
  await app.register(bodyLimit)
  if (options.reload) await app.register(configReload, options.reload)
  await app.register(openapi)
  await app.register(opsRoutes)
  await app.register(statusRoutes)
  await app.register(linkRoutes)
  await app.register(webhookRoutes)
  await app.register(enginyRoutes)
  return app
}
