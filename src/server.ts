import { buildApp } from './app.ts'
import { ensureApiKeys } from './config/api-keys.ts'
import { ensureLinkTokens } from './config/link-tokens.ts'
import { DEFAULT_CONFIG_PATH, loadConfigFile } from './config/load.ts'
import { forLog } from './config/problems.ts'
import { readEnvironment } from './environment.ts'
import { ConfigError, EnvError } from './errors.ts'
import { checkCanListen, listenProblem } from './listen-check.ts'
import { createLogger } from './logger.ts'

/** Starts the gateway: reads the environment, loads the config, listens, and stops cleanly. */
async function main(): Promise<number> {
  const env = process.env
  const settings = readEnvironment(env)
  const { port, host } = settings
  await checkCanListen(port, host)
  const logger = createLogger(settings.logLevel)
  const path = env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH
  let app: Awaited<ReturnType<typeof buildApp>>
  try {
    const config = ensureLinkTokens(ensureApiKeys(await loadConfigFile(path, env), logger), logger, env)
    app = await buildApp({ config, logger, reload: { path, env, onSignal: true } })
  } catch (error) {
    if (error instanceof ConfigError) {
      const { message, problems } = forLog(error)
      logger.fatal({ configFile: path, problems }, message)
      return 1
    }
    throw error
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping: finishing requests in flight')
    const limit = settings.shutdownTimeoutMs
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
  // Listeners stay for the whole shutdown: Ctrl-C under `npm start` delivers SIGINT twice (from
  // the terminal and forwarded by npm), and a second one with no listener would kill the drain.
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  try {
    await app.listen({ port, host })
  } catch (error) {
    await app.close()
    throw listenProblem(error, port, host)
  }
  return 0
}

try {
  process.exitCode = await main()
} catch (error) {
  if (!(error instanceof EnvError)) throw error
  console.error(error.message)
  process.exitCode = 1
}
