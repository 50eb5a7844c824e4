import type { ServerResponse } from 'node:http'
import type { FastifyPluginAsync } from 'fastify'
import { GatewayError, UnauthorizedError } from '../../errors.ts'
import { logTenant } from '../request-log.ts'
import type { Runtime, Tenant } from '../../runtime/runtime.ts'
import type { Services } from '../../service/services.ts'
import activityRoutes from './activities.ts'
import associationRoutes from './associations.ts'
import recordRoutes from './records.ts'
import taskRoutes from './tasks.ts'
import userRoutes from './users.ts'

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant
    runtime: Runtime
    services: Services
    /** Lets go of the runtime this request holds. */
    release: () => void
    /** The raw response, to tell when the client hangs up before the answer. */
    response: ServerResponse
  }
}

/**
 * Enginy's whole custom-CRM interface, in one encapsulated context whose `onRequest` hook checks
 * the API key (in the header `auth.header` names), so the key covers every route of the
 * interface and nothing else: `/healthz`, `/readyz`, `/metrics` and the record links stay outside.
 * An address that failed too often is answered 429 before its key is looked at (`auth-failures.ts`).
 * A request holds the runtime in force when it started until it ends.
 */
const enginyRoutes: FastifyPluginAsync = async (app) => {
  app.decorateRequest('tenant', null as unknown as Tenant)
  app.decorateRequest('runtime', null as unknown as Runtime)
  app.decorateRequest('services', null as unknown as Services)
  app.decorateRequest('release', () => {})
  app.decorateRequest('response', null as unknown as ServerResponse)

  app.addHook('onRequest', (request, reply, done) => {
    const { runtime, services } = app.gateway.current
    const { keyHeader, authFailures } = runtime.config
    const tenant = app.gateway.authFailures.admit(
      request.ip,
      authFailures,
      () => runtime.keys.find(request.headers[keyHeader.lower] as string | undefined),
      () => new UnauthorizedError(keyHeader.name),
    )
    if (tenant instanceof GatewayError) return done(tenant)
    request.runtime = runtime
    request.tenant = tenant
    logTenant(request, tenant)
    request.services = services
    request.release = runtime.hold()
    request.response = reply.raw
    // A client that hangs up after sending its whole body fires neither onResponse nor
    // onRequestAbort; the response's 'close' comes in every case, and its calls are cancelled then.
    reply.raw.once('close', request.release)
    done()
  })
  app.addHook('onResponse', (request, _reply, done) => {
    request.release()
    done()
  })

  await app.register(userRoutes)
  await app.register(recordRoutes)
  await app.register(associationRoutes)
  await app.register(activityRoutes)
  await app.register(taskRoutes)
}

export default enginyRoutes
