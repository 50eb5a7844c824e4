import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { applySocketLimits } from '../sockets.ts'
import type { AdapterLoaders } from '../../config/types.ts'
import { ensureApiKeys } from '../../config/api-keys.ts'
import { ensureLinkTokens } from '../../config/link-tokens.ts'
import { loadConfigText, readConfigFile } from '../../config/load.ts'
import { forLog } from '../../config/problems.ts'
import { type SettledWatch, watchSettled } from '../../config/settled-file.ts'
import { ConfigError } from '../../errors.ts'

export interface ConfigReloadOptions {
  readonly path: string
  readonly env: NodeJS.ProcessEnv
  /** The adapters a reloaded config may name: the registry the composition root gave the first load. */
  readonly registry: AdapterLoaders
  /** Reload on SIGHUP too (the server does; tests call `reloadConfig` themselves). */
  readonly onSignal?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Reads the config file again and puts it in force if it is valid; `false` when it was not. */
    reloadConfig(reason: string): Promise<boolean>
  }
}

/**
 * Live reload: on SIGHUP, and when the config file changes on disk and has stopped changing, the
 * file is read and validated again by the rules of a start, and swapped in whole. A file that
 * fails them, or changes a setting only a restart applies, is refused with a log line naming
 * every reason, and the config in force stays.
 */
async function configReload(app: FastifyInstance, options: ConfigReloadOptions) {
  const path = resolve(options.path)
  let queue: Promise<boolean> = Promise.resolve(true)
  /** The text last put in force: a change event that changed nothing is not a reload. */
  let applied: string | undefined

  const reload = async (reason: string, settled?: string): Promise<boolean> => {
    const { gateway } = app
    try {
      const text = settled ?? (await readConfigFile(path))
      if (settled !== undefined && settled === applied) return true
      const loaded = await loadConfigText(text, path, options.env, options.registry)
      const previous = gateway.current.runtime.config
      const runtime = await gateway.apply(ensureLinkTokens(ensureApiKeys(loaded, app.log, previous), app.log, options.env, previous))
      applySocketLimits(app.server, runtime.config.limits.requestTimeoutMs)
      applied = text
      gateway.metrics.reloads.inc({ result: 'applied' })
      app.log.info({ reason, version: runtime.version, configFile: path }, 'config reloaded')
      return true
    } catch (error) {
      gateway.metrics.reloads.inc({ result: 'rejected' })
      const why = error instanceof ConfigError ? forLog(error) : { message: (error as Error).message }
      app.log.error({ reason, configFile: path, error: why.message, ...('problems' in why && { problems: why.problems }) }, 'config reload rejected; the config in force stays')
      return false
    }
  }
  // One reload at a time, in order: two swaps must not interleave.
  const enqueue = (reason: string, settled?: string) => {
    queue = queue.then(() => reload(reason, settled))
    return queue
  }
  app.decorate('reloadConfig', (reason: string) => enqueue(reason))

  let watcher: SettledWatch | undefined
  try {
    watcher = watchSettled(path, (text) => void enqueue('file changed', text))
  } catch (error) {
    app.log.warn({ configFile: path, error: (error as Error).message }, 'cannot watch the config file; reload with SIGHUP')
  }
  const onHangup = () => void app.reloadConfig('SIGHUP')
  if (options.onSignal) process.on('SIGHUP', onHangup)

  app.addHook('onClose', async () => {
    watcher?.close()
    process.off('SIGHUP', onHangup)
    await queue
  })
}

export default fp(configReload, { name: 'config-reload', fastify: '5.x', dependencies: ['gateway'] })
