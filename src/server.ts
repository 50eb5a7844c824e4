import { buildApp } from './app.ts'
import { ensureApiKeys } from './config/api-keys.ts'
import { DEFAULT_CONFIG_PATH, loadConfigFile } from './config/load.ts'
import { ConfigError } from './errors.ts'
import { createLogger } from './logger.ts'

/** Starts the gateway: reads the environment, loads the config, listens, and stops cleanly. */
async function main(): Promise<void> {
  const env = process.env
  const logger = createLogger(env.LOG_LEVEL)
  const path = env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH
  let app: Awaited<ReturnType<typeof buildApp>>
  try {
    const config = ensureApiKeys(await loadConfigFile(path, env), env, logger)
    app = await buildApp({ config, logger, reload: { path, env, onSignal: true } })
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal({ configFile: path }, error.message)
      process.exitCode = 1
      return
    }
    throw error
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping: finishing requests in flight')
    const limit = Number(env.SHUTDOWN_TIMEOUT_MS ?? 30_000)
    const force = setTimeout(() => {
      logger.error({ afterMs: limit }, 'requests still in flight at the shutdown limit: closing their connections')
      app.server.closeAllConnections()
    }, limit)
    force.unref()
    // Fastify's close stops accepting connections, answers 503 to new requests on kept-alive
    // sockets, and resolves when the requests in flight have been answered.
    await app.close()
    clearTimeout(force)
    logger.info('stopped')
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))

  const port = Number(env.PORT ?? 3000)
  const host = env.HOST ?? '0.0.0.0'
  await app.listen({ port, host })
}

await main()
