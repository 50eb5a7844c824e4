import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp } from '../helpers/app.ts'
import { NO_CHROMIUM, findChromium } from '../helpers/chromium.ts'

const run = promisify(execFile)
const CHROMIUM = findChromium()

const OPERATIONS = [
  ['post', '/tasks', 'createTask'],
  ['get', '/tasks/{taskId}', 'getTask'],
  ['patch', '/tasks/{taskId}', 'updateTask'],
  ['post', '/tasks/batch', 'getTasksBatch'],
  ['patch', '/tasks/batch', 'completeTasksBatch'],
] as const

describe('API documentation', () => {
  let app: FastifyInstance
  let base: string
  beforeAll(async () => {
    app = await testApp()
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })
  afterAll(() => app.close())

  it('serves an OpenAPI 3 document generated from the route schemas', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(doc.openapi).toMatch(/^3\./)
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' })
    for (const [method, path, operationId] of OPERATIONS) {
      const operation = doc.paths[path][method]
      expect(operation.operationId).toBe(operationId)
      expect(operation.security).toEqual([{ apiKey: [] }])
    }
    const create = doc.paths['/tasks'].post
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['subject'])
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '409', '422', '502', '503', '504']))
  })

  // Without a browser this check cannot run: it says so, and the run's last lines repeat it.
  it('renders /docs in a real headless browser with the five task operations', async (context) => {
    if (!CHROMIUM) return context.skip(NO_CHROMIUM)
    const { stdout } = await run(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
        '--virtual-time-budget=10000',
        '--dump-dom',
        `${base}/docs/`,
      ],
      { timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
    )
    const rendered = [...stdout.matchAll(/opblock-summary-method">([A-Z]+)<[\s\S]*?data-path="([^"]+)"/g)].map(
      ([, method, path]) => `${method} ${path}`,
    )
    for (const [method, path] of OPERATIONS) expect(rendered).toContain(`${method.toUpperCase()} ${path}`)
  }, 90_000)
})
