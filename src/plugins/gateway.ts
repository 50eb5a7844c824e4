import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Runtime } from '../runtime.ts'
import { TaskService } from '../task-service.ts'

/**
 * Holds the runtime in force. Requests read `current` once, when they start; a reload puts a new
 * runtime in with `swap`, and the old one is closed only after the requests that hold it ended.
 */
export class Gateway {
  private runtime: Runtime
  private service: TaskService

  constructor(runtime: Runtime) {
    this.runtime = runtime
    this.service = new TaskService(runtime.config.limits.maxBatchIds)
  }

  get current(): { runtime: Runtime; service: TaskService } {
    return { runtime: this.runtime, service: this.service }
  }

  swap(runtime: Runtime): Runtime {
    const previous = this.runtime
    this.runtime = runtime
    this.service = new TaskService(runtime.config.limits.maxBatchIds)
    return previous
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway
  }
}

async function gatewayPlugin(app: FastifyInstance, options: { runtime: Runtime }) {
  app.decorate('gateway', new Gateway(options.runtime))
  app.addHook('onClose', async () => {
    await app.gateway.current.runtime.close()
  })
}

export default fp(gatewayPlugin, { name: 'gateway', fastify: '5.x' })
