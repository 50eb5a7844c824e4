import { type FSWatcher, watch } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AdapterRegistry } from '../../../adapters/index.ts'
import { type GatewayConfig, loadConfigFile } from '../../config/load.ts'

export interface ConfigReloadOptions {
  readonly path: string
  readonly env: NodeJS.ProcessEnv
  readonly registry?: AdapterRegistry
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
 * Live reload: on SIGHUP, and when the config file changes on disk, the file is read and
 * validated again and swapped in whole. A file that fails validation (or names an unset
 * variable) is refused with a log line that says why, and the config in force stays.
 */
async function configReload(app: FastifyInstance, options: ConfigReloadOptions) {
  const path = resolve(options.path)
  let queue: Promise<boolean> = Promise.resolve(true)

  const reload = async (reason: string): Promise<boolean> => {
    const { gateway } = app
    let config: GatewayConfig
    try {
      config = keepGeneratedKey(await loadConfigFile(path, options.env, options.registry), gateway.current.runtime.config)
      const runtime = await gateway.apply(config)
      gateway.metrics.reloads.inc({ result: 'applied' })
      app.log.info({ reason, version: runtime.version, configFile: path }, 'config reloaded')
      return true
    } catch (error) {
      gateway.metrics.reloads.inc({ result: 'rejected' })
      app.log.error({ reason, configFile: path, error: (error as Error).message }, 'config reload rejected; the config in force stays')
      return false
    }
  }
  // One reload at a time, in order: a burst of file events must not interleave two swaps.
  app.decorate('reloadConfig', (reason: string) => {
    queue = queue.then(() => reload(reason))
    return queue
  })

  let debounce: NodeJS.Timeout | undefined
  let watcher: FSWatcher | undefined
  try {
    // The folder, not the file: editors and `mv` replace a file, which ends a watch on it.
    watcher = watch(dirname(path), (_event, file) => {
      if (file !== null && file !== basename(path)) return
      clearTimeout(debounce)
      debounce = setTimeout(() => void app.reloadConfig('file changed'), 100)
    })
  } catch (error) {
    app.log.warn({ configFile: path, error: (error as Error).message }, 'cannot watch the config file; reload with SIGHUP')
  }
  const onHangup = () => void app.reloadConfig('SIGHUP')
  if (options.onSignal) process.on('SIGHUP', onHangup)

  app.addHook('onClose', async () => {
    clearTimeout(debounce)
    watcher?.close()
    process.off('SIGHUP', onHangup)
    await queue
  })
}

/**
 * A config with no key for its default tenant got one generated at start (outside production);
 * a reload of that file keeps it, instead of locking the caller out.
 */
function keepGeneratedKey(next: GatewayConfig, current: GatewayConfig): GatewayConfig {
  const [tenant, ...others] = next.tenants
  const [before, ...othersBefore] = current.tenants
  if (!tenant || others.length > 0 || tenant.apiKeys.length > 0) return next
  if (!before || othersBefore.length > 0 || before.name !== tenant.name) return next
  return { ...next, tenants: [{ ...tenant, apiKeys: before.apiKeys }] }
}

export default fp(configReload, { name: 'config-reload', fastify: '5.x', dependencies: ['gateway'] })
