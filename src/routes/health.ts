import type { FastifyPluginAsync } from 'fastify'

/** Liveness without auth: the process is up and its event loop answers. */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }))
}

export default healthRoutes
