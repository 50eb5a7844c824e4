import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { type AdapterRegistry, builtinAdapters } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import { buildApp } from '../../src/app.ts'
import { loadConfigFile } from '../../src/config/load.ts'
import { ConfigError } from '../../src/errors.ts'
import type { AdapterDefinition } from '../../src/kit/spec.ts'
import { KEY, capturedLogger, headers } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'

/** Memory adapters that count how many were made and closed; `failing` ones reject their close. */
function trackedAdapters() {
  const counts = { opened: 0, closed: 0 }
  // One definition each, as a module's default export is: a reload keeps connections whose definition is the same.
  const tracked: AdapterDefinition = {
    options: Type.Object({ failing: Type.Boolean({ default: false }) }),
    create: (options) => {
      counts.opened++
      return {
        ...createMemoryAdapter(),
        async close() {
          counts.closed++
          if ((options as { failing: boolean }).failing) throw new Error('the socket was already gone')
        },
      }
    },
  }
  const refusing: AdapterDefinition = {
    options: Type.Object({}),
    create: (_options, ctx) => {
      throw new ConfigError(`connections.${ctx.connection}`, 'the CRM account is not set up for this')
    },
  }
  const registry: AdapterRegistry = { ...builtinAdapters, tracked: async () => tracked, refusing: async () => refusing }
  return { registry, counts }
}

const yaml = (connections: string, active = 'keep', extra = '') =>
  `auth:\n  apiKeys: ${KEY}\nhealth:\n  intervalMs: 0\nconnections:\n${connections}active: ${active}\n${extra}`

describe('what a reload lets go of', () => {
  let app: FastifyInstance
  let path: string
  const log = capturedLogger('info')

  const start = async (text: string, registry: AdapterRegistry = builtinAdapters) => {
    path = join(await mkdtemp(join(tmpdir(), 'gateway-reload-resources-')), 'gateway.yaml')
    await writeFile(path, text)
    app = await buildApp({ config: await loadConfigFile(path, {}, registry), logger: log.logger, reload: { path, env: {}, registry } })
  }
  const reloadWith = async (text: string) => {
    await writeFile(path, text)
    return app.reloadConfig('test')
  }
  afterEach(async () => {
    await app?.close()
  })

  it('logs a connection that fails to close after a reload, instead of leaving an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const { registry, counts } = trackedAdapters()
      await start(yaml('  keep:\n    adapter: tracked\n    failing: true\n'), registry)
      expect(await reloadWith(yaml('  keep:\n    adapter: tracked\n    failing: true\n    concurrency: 2\n'))).toBe(true)
      const line = () => log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'connection did not close cleanly')
      await waitFor(() => line() !== undefined)
      expect(line()).toMatchObject({ connection: 'keep', error: 'the socket was already gone' })
      expect(counts.closed).toBe(1)
      // A turn of the event loop for a rejection to be reported, if there were one.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
      expect((await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'after' } })).statusCode).toBe(201)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('closes the connections a reload opened when the reload fails half-way, and names every connection refused', async () => {
    const { registry, counts } = trackedAdapters()
    await start(yaml('  keep:\n    adapter: tracked\n'), registry)
    expect(counts).toEqual({ opened: 1, closed: 0 })
    const halfway = yaml(
      '  keep:\n    adapter: tracked\n  new-a:\n    adapter: tracked\n  bad-a:\n    adapter: refusing\n  new-b:\n    adapter: tracked\n  bad-b:\n    adapter: refusing\n',
    )
    expect(await reloadWith(halfway)).toBe(false)
    const line = log.lines.map((l) => JSON.parse(l)).findLast((l) => l.msg.startsWith('config reload rejected'))
    expect(line.problems).toEqual([
      { key: 'connections.bad-a', problem: 'the CRM account is not set up for this' },
      { key: 'connections.bad-b', problem: 'the CRM account is not set up for this' },
    ])
    expect(counts, 'new-a and new-b opened and closed; keep, reused, still open').toEqual({ opened: 3, closed: 2 })
    expect((await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'kept' } })).statusCode).toBe(201)
  })
})
