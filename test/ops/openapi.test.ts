import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtinAdapters } from '../../adapters/index.ts'
import { resolveConfig } from '../../src/config/load.ts'
import { ERROR_DOCS } from '../../src/errors.ts'
import { KEY, testApp } from '../helpers/app.ts'

type Schema = {
  type?: string
  description?: string
  example?: unknown
  properties?: Record<string, Schema>
  items?: Schema
  anyOf?: Schema[]
  enum?: unknown[]
  required?: string[]
  maxItems?: number
}
type Response = { description: string; content?: { 'application/json': { schema: Schema } }; headers?: Record<string, { description?: string }> }
type Operation = {
  operationId: string
  tags?: string[]
  security?: unknown
  parameters?: { name: string; description?: string; example?: unknown; schema: Schema }[]
  requestBody?: { content: { 'application/json': { schema: Schema } } }
  responses: Record<string, Response>
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
const BODY = ['400', '413', '415']
const CRM = ['502', '503', '504']
/** A wrong key (401), and an address that sent too many (429). */
const KEYED = ['401', '429']

/** The error statuses each operation must list: what its route can answer, beside its success. */
const EXPECTED: Record<string, string[]> = {
  health: [...KEYED, '500', ...CRM],
  listUsers: [...KEYED, '404', '422', '500', ...CRM],
  createContacts: [...KEYED, ...BODY, '500', '501', ...CRM],
  syncContacts: [...KEYED, ...BODY, '500', '501', ...CRM],
  updateContacts: [...KEYED, ...BODY, '500', '501', ...CRM],
  createCompanies: [...KEYED, ...BODY, '500', '501', ...CRM],
  syncCompanies: [...KEYED, ...BODY, '500', '501', ...CRM],
  updateCompanies: [...KEYED, ...BODY, '500', '501', ...CRM],
  associate: [...KEYED, ...BODY, '500', '501', ...CRM],
  logActivity: [...KEYED, ...BODY, '422', '500', '501', ...CRM],
  createTask: [...KEYED, ...BODY, '409', '422', '500', '501', ...CRM],
  getTask: ['400', ...KEYED, '404', '422', '500', ...CRM],
  updateTask: [...KEYED, '404', ...BODY, '422', '500', ...CRM],
  updateTaskWithPut: [...KEYED, '404', ...BODY, '422', '500', ...CRM],
  getTasksBatch: [...KEYED, ...BODY, '422', '500', ...CRM],
  completeTasksBatch: [...KEYED, ...BODY, '422', '500', ...CRM],
  contactLink: ['404', '500'],
  companyLink: ['404', '500'],
  receiveWebhook: ['400', '401', '404', '413', '500'],
}

function operations(doc: { paths: Record<string, Record<string, Operation>> }): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]))
}

/** Every property below `schema`, by its path, with its schema. */
function properties(schema: Schema, at: string): [string, Schema][] {
  const own = Object.entries(schema.properties ?? {}).flatMap(([name, child]) => [[`${at}.${name}`, child] as [string, Schema], ...properties(child, `${at}.${name}`)])
  const items = schema.items ? properties(schema.items, `${at}[]`) : []
  const branches = (schema.anyOf ?? []).flatMap((branch, i) => properties(branch, `${at}|${i}`))
  return [...own, ...items, ...branches]
}

/** Every schema an operation holds: its body, and each response's. */
function schemas(op: Operation): [string, Schema][] {
  const body = op.requestBody?.content['application/json'].schema
  return [
    ...(body ? [['body', body] as [string, Schema]] : []),
    ...Object.entries(op.responses).flatMap(([status, response]) => {
      const schema = response.content?.['application/json'].schema
      return schema ? [[status, schema] as [string, Schema]] : []
    }),
  ]
}

/** A scalar's example is its own; an object's or an array's is made of its fields' and items'. */
const scalar = (schema: Schema) => schema.type !== 'object' && schema.type !== 'array' && !schema.properties && !schema.items

describe('the OpenAPI document', () => {
  let app: FastifyInstance
  let doc: { info: { version: string; description: string }; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, { name: string }>> }
  beforeAll(async () => {
    app = await testApp({ limits: { maxBatchIds: 250, maxBatchRecords: 300 }, auth: { header: 'X-Enginy-Key' } })
    doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  })
  afterAll(() => app.close())

  it('sorts every operation under the one tag of its kind, each tag described, and titles /docs', async () => {
    const kinds: Record<string, string[]> = {
      operations: ['health'],
      users: ['listUsers'],
      contacts: ['createContacts', 'syncContacts', 'updateContacts'],
      companies: ['createCompanies', 'syncCompanies', 'updateCompanies'],
      associations: ['associate'],
      activities: ['logActivity'],
      tasks: ['createTask', 'getTask', 'updateTask', 'updateTaskWithPut', 'getTasksBatch', 'completeTasksBatch'],
      links: ['contactLink', 'companyLink'],
      webhooks: ['receiveWebhook'],
    }
    const tags = (doc as unknown as { tags: { name: string; description: string }[] }).tags
    expect(tags.map((tag) => tag.name).sort()).toEqual(['activities', 'associations', 'companies', 'contacts', 'links', 'operations', 'tasks', 'users', 'webhooks'])
    for (const tag of tags) expect(tag.description.length, tag.name).toBeGreaterThan(10)
    const sorted = Object.fromEntries(operations(doc).map(([, op]) => [op.operationId, op.tags]))
    expect(sorted).toEqual(Object.fromEntries(Object.entries(kinds).flatMap(([kind, ids]) => ids.map((id) => [id, [kind]]))))
    const page = await app.inject({ method: 'GET', url: '/docs/' })
    expect(page.body).toContain('<title>Enginy CRM gateway</title>')
  })

  it("has package.json's version", () => {
    expect(doc.info.version).toBe(pkg.version)
  })

  it('gives every property and parameter a description and an example', () => {
    const missing: string[] = []
    for (const [name, op] of operations(doc)) {
      for (const parameter of op.parameters ?? []) {
        if (!parameter.description) missing.push(`${name} parameter ${parameter.name}: description`)
        if (parameter.example === undefined) missing.push(`${name} parameter ${parameter.name}: example`)
      }
      for (const [where, schema] of schemas(op)) {
        for (const [path, property] of properties(schema, where)) {
          if (path.includes('|')) continue
          if (!property.description) missing.push(`${name} ${path}: description`)
          if (scalar(property) && property.example === undefined) missing.push(`${name} ${path}: example`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it("documents the record links' templates: the link token in the path, described, its example no real token", () => {
    for (const kind of ['contacts', 'companies']) {
      const op = doc.paths[`/links/{token}/${kind}/{crmId}`]!.get!
      expect(op.security, 'no API key').toBeUndefined()
      const token = op.parameters!.find((parameter) => parameter.name === 'token')!
      expect(token.description).toContain("the tenant's link token (`linkTokens` in the config)")
      expect(token.example).toBe('YOUR-LINK-TOKEN')
    }
  })

  it('keeps to OpenAPI 3.0: no `examples` in a schema, no format of our own', () => {
    const text = JSON.stringify(doc)
    expect(text).not.toContain('"examples"')
    expect(text).not.toContain('enginy-datetime')
  })

  it('describes every answer: no "Default Response", a success with its meaning, and the error statuses each route can answer', () => {
    expect(JSON.stringify(doc)).not.toContain('Default Response')
    const listed = Object.fromEntries(operations(doc).map(([, op]) => [op.operationId, op]))
    expect(Object.keys(listed).sort()).toEqual(Object.keys(EXPECTED).sort())
    for (const [id, op] of Object.entries(listed)) {
      const statuses = Object.keys(op.responses)
      const success = statuses.filter((status) => Number(status) < 400)
      expect(success.length, `${id} has a success answer`).toBeGreaterThan(0)
      for (const status of success) expect(op.responses[status]!.description.length, `${id} ${status} is described`).toBeGreaterThan(0)
      expect(statuses.filter((status) => Number(status) >= 400), `${id} lists its error statuses`).toEqual(EXPECTED[id]!.sort())
    }
  })

  it('gives every error answer the error body, and its codes from the error table with their statuses', () => {
    for (const [name, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses).filter(([status]) => Number(status) >= 400)) {
        const schema = response.content!['application/json'].schema
        expect(schema.required, `${name} ${status}`).toEqual(['statusCode', 'error', 'message', 'code'])
        expect(schema.properties!.statusCode!.example).toBe(Number(status))
        const codes = schema.properties!.code!.enum as (keyof typeof ERROR_DOCS)[]
        expect(codes.length, `${name} ${status} names its codes`).toBeGreaterThan(0)
        for (const code of codes) {
          expect(ERROR_DOCS[code].status, `${name} ${status}: ${code}`).toBe(Number(status))
          expect(response.description, `${name} ${status} says when ${code} comes`).toContain(`\`${code}\`: ${ERROR_DOCS[code].when}`)
        }
        for (const code of codes) {
          const header = ERROR_DOCS[code].header
          if (header) expect(response.headers?.[header]?.description, `${name} ${status} documents ${header}`).toBeTruthy()
        }
      }
    }
  })

  it('states the date rule in words, on every date Enginy sends', () => {
    const dates = [
      doc.paths['/tasks']!.post!.requestBody!.content['application/json'].schema.properties!.dueDate!,
      doc.paths['/tasks/{taskId}']!.patch!.requestBody!.content['application/json'].schema.properties!.dueDate!,
      doc.paths['/activities']!.post!.requestBody!.content['application/json'].schema.properties!.occurredAt!,
    ]
    for (const date of dates) expect(date.description).toContain('ISO 8601 date or date-time; returned in UTC')
    expect(doc.info.description).toContain('ISO 8601 date or date-time; returned in UTC')
  })

  it('shows the configured batch limits and key header', () => {
    const body = (path: string, method: string) => doc.paths[path]![method]!.requestBody!.content['application/json'].schema.properties!
    expect(body('/tasks/batch', 'post').ids!.maxItems).toBe(250)
    expect(body('/tasks/batch', 'patch').ids!.maxItems).toBe(250)
    for (const path of ['/contacts/sync', '/companies', '/companies/sync']) {
      expect(Object.values(body(path, 'post'))[0]!.maxItems, path).toBe(300)
    }
    expect(body('/contacts', 'put').contacts!.maxItems).toBe(300)
    expect(body('/associations', 'post').associations!.maxItems).toBe(300)
    expect(body('/contacts', 'post').contacts!.maxItems).toBe(100)
    expect(doc.components.securitySchemes!.apiKey!.name).toBe('X-Enginy-Key')
  })

  it('follows a reload: /openapi.json and /docs/json show the limits in force', async () => {
    const config = await resolveConfig(
      { auth: { apiKeys: [KEY] }, limits: { maxBatchIds: 40 }, health: { intervalMs: 0 }, connections: { local: { adapter: 'memory' } }, active: 'local' },
      {},
      builtinAdapters,
    )
    await app.gateway.apply(config)
    for (const url of ['/openapi.json', '/docs/json']) {
      const served = (await app.inject({ method: 'GET', url })).json()
      expect(served.paths['/tasks/batch'].post.requestBody.content['application/json'].schema.properties.ids.maxItems, url).toBe(40)
      expect(served.components.securitySchemes.apiKey.name, url).toBe('X-API-Key')
    }
  })
})
