import { builtinAdapters } from '../../adapters/index.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfigFile } from '../../src/config/load.ts'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { KEY, capturedLogger, headers } from '../helpers/app.ts'
import { waitFor } from '../helpers/wait.ts'

const config = (active: string, extra = '') => `
auth:
  apiKeys: ${KEY}
health:
  intervalMs: 0
connections:
  blue:
    adapter: memory
  green:
    adapter: memory
${extra}
active: ${active}
`

describe('live config reload', () => {
  let app: FastifyInstance
  let path: string
  const log = capturedLogger('info')

  const start = async (text: string) => {
    path = join(await mkdtemp(join(tmpdir(), 'gateway-reload-')), 'gateway.yaml')
    await writeFile(path, text)
    app = await buildApp({ config: await loadConfigFile(path, {}, builtinAdapters), logger: log.logger, reload: { path, env: {}, registry: builtinAdapters } })
  }
  afterEach(() => app?.close())

  it('flips the active connection three times under load: nothing fails, old ids keep working, new tasks follow', async () => {
    await start(config('blue'))
    const created: string[] = []
    const failures: string[] = []
    let running = true
    const worker = async () => {
      while (running) {
        const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'under load' } })
        if (res.statusCode !== 201) {
          failures.push(`create ${res.statusCode}`)
          continue
        }
        const { id } = res.json()
        created.push(id)
        const done = await app.inject({ method: 'PATCH', url: `/tasks/${id}`, headers, payload: { completed: true } })
        if (done.statusCode !== 200) failures.push(`complete ${done.statusCode}`)
      }
    }
    const workers = Array.from({ length: 8 }, worker)
    for (const [i, active] of ['green', 'blue', 'green'].entries()) {
      await new Promise((resolve) => setTimeout(resolve, 150))
      await writeFile(path, config(active))
      expect(await app.reloadConfig(`flip ${i}`)).toBe(true)
      expect(app.gateway.current.runtime.config.tenants[0]!.active).toBe(active)
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
    running = false
    await Promise.all(workers)

    expect(failures).toEqual([])
    expect(created.some((id) => id.startsWith('blue.'))).toBe(true)
    expect(created.some((id) => id.startsWith('green.'))).toBe(true)
    for (let i = 0; i < created.length; i += 1000) {
      const ids = created.slice(i, i + 1000)
      const read = (await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids } })).json()
      expect(read.map((task: { id: string }) => task.id)).toEqual(ids)
      expect(read.every((task: { completed: boolean }) => task.completed)).toBe(true)
    }
    const fresh = (await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'after' } })).json()
    expect(fresh.id.startsWith('green.')).toBe(true)
  })

  it('reloads when the file changes on disk, keeping unchanged connections as they were', async () => {
    await start(config('blue'))
    const before = app.gateway.current.runtime
    const task = (await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'kept' } })).json()
    await writeFile(path, config('green').replace('  green:\n    adapter: memory', '  green:\n    adapter: memory\n    concurrency: 2'))
    await waitFor(() => app.gateway.current.runtime.version === before.version + 1)
    const after = app.gateway.current.runtime
    expect(after.connections.get('blue')).toBe(before.connections.get('blue'))
    expect(after.connections.get('green')).not.toBe(before.connections.get('green'))
    expect((await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).statusCode).toBe(200)
  })

  it('refuses a broken file written over a good one, keeps serving, and logs why', async () => {
    await start(config('blue'))
    const version = app.gateway.current.runtime.version
    for (const [broken, why] of [
      ['connections: [unclosed', 'is not valid YAML'],
      [config('blue').replace('adapter: memory', 'adapter: salesforce'), 'unknown adapter "salesforce"'],
      [config('blue', 'limits:\n  maxBatchIds: ${UNSET_LIMIT}'), 'environment variable UNSET_LIMIT is not set'],
      [config('purple'), '"purple" is not a configured connection'],
    ]) {
      await writeFile(path, broken!)
      expect(await app.reloadConfig('broken file')).toBe(false)
      expect(app.gateway.current.runtime.version).toBe(version)
      const line = log.lines.map((l) => JSON.parse(l)).findLast((l) => l.msg.startsWith('config reload rejected'))
      expect(line.error).toContain(why)
      const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'still serving' } })
      expect(res.statusCode).toBe(201)
      expect(res.json().id.startsWith('blue.')).toBe(true)
    }
  })

  it('starts the connection checks when a reload turns them on, and keeps the replica ready while they fail', async () => {
    const down = await HttpFake.start(() => ({ status: 503 }))
    try {
      const yaml = (interval: number) =>
        `auth:\n  apiKeys: ${KEY}\nhealth:\n  intervalMs: ${interval}\nconnections:\n  hs:\n    adapter: hubspot\n    accessToken: t\n    baseUrl: ${down.url}\n    retry: { maxRetries: 0 }\n    breaker: { failures: 100 }\nactive: hs\n`
      await start(yaml(0))
      const up = async () => /gateway_connection_up\{connection="hs"\} (\d)/.exec((await app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]
      expect(await up(), 'no check runs while they are off').toBeUndefined()
      await writeFile(path, yaml(100))
      expect(await app.reloadConfig('checks on')).toBe(true)
      // Let the file watcher's own reload of that write come and go before the CRM heals.
      await new Promise((resolve) => setTimeout(resolve, 400))
      await waitFor(async () => (await up()) === '0')
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
      // Only checks that keep running, every interval, see the CRM come back.
      down.handler = () => ({ status: 200, body: { results: [] } })
      await waitFor(async () => (await up()) === '1')
    } finally {
      await down.close()
    }
  })

  it('makes the ids of a removed connection "not found", and left out of batches', async () => {
    await start(config('blue'))
    const green = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'x' } })
    await writeFile(path, config('green'))
    await app.reloadConfig('flip')
    const onGreen = (await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'y' } })).json()
    await writeFile(path, `auth:\n  apiKeys: ${KEY}\nconnections:\n  blue:\n    adapter: memory\nactive: blue\n`)
    expect(await app.reloadConfig('remove green')).toBe(true)
    expect((await app.inject({ method: 'GET', url: `/tasks/${onGreen.id}`, headers })).statusCode).toBe(404)
    const batch = await app.inject({ method: 'POST', url: '/tasks/batch', headers, payload: { ids: [onGreen.id, green.json().id] } })
    expect(batch.json().map((task: { id: string }) => task.id)).toEqual([green.json().id])
  })
})
