import { builtinAdapters } from '../adapters/index.ts'
import { buildApp } from './app.ts'
import { ensureApiKeys } from './config/api-keys.ts'
import { ensureLinkTokens } from './config/link-tokens.ts'
import { DEFAULT_CONFIG_PATH, loadConfigFile } from './config/load.ts'
import { forLog } from './config/problems.ts'
import { readEnvironment } from './environment.ts'
import { ConfigError, EnvError } from './errors.ts'
import { checkCanListen, listenProblem } from './listen-check.ts'
import { createLogger } from './logger.ts'
import { startTracing } from './ops/tracing.ts'
import type { Tracing } from './ops/tracing-types.ts'

/** Starts the gateway: reads the environment, loads the config, listens, and stops cleanly. */
async function main(): Promise<number> {
  const env = process.env
  const settings = readEnvironment(env)
  const { port, host } = settings
  await checkCanListen(port, host)
  const logger = createLogger(settings.logLevel)
  const path = env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH
  let app: Awaited<ReturnType<typeof buildApp>>
  let tracing: Tracing | undefined
  try {
    const config = ensureLinkTokens(ensureApiKeys(await loadConfigFile(path, env, builtinAdapters), logger), logger, env)
    tracing = settings.traces && (await startTracing(settings.traces, logger))
    app = await buildApp({ config, logger, reload: { path, env, registry: builtinAdapters, onSignal: true }, tracing })
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
    const until = Date.now() + limit
    const force = setTimeout(() => {
      logger.error({ afterMs: limit }, 'requests still in flight at the shutdown limit: closing their connections')
      app.server.closeAllConnections()
    }, limit)
    force.unref()
    // Fastify's close stops accepting connections, answers 503 to new requests on kept-alive
    // sockets, and resolves when the requests in flight have been answered.
    await app.close()
    clearTimeout(force)
    // The spans of the last requests are still held in the batch: they go out within what is left
    // of the limit.
    const flushed = !tracing || (await tracing.shutdown(Math.max(0, until - Date.now())))
    if (!flushed) logger.warn({ afterMs: limit }, 'traces not all exported at the shutdown limit: the rest are dropped')
    logger.info('stopped')
    // An export still waiting for a collector that does not answer would hold the process past
    // the limit, until the exporter's own timeout.
    if (!flushed) process.exit()
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
