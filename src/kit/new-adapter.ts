import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * `npm run new-adapter -- <name>`: the skeleton of a new adapter (version 2 of the seam, with a
 * tasks port, importing only the kit's `spec.ts` and `utils.ts`), its mapping module, a fake of its CRM in
 * its `fake/` folder and its conformance target (`conformance.ts`, with every hook of the fake on),
 * registered so config accepts the name and the conformance suite runs it. The suite fails until
 * the adapter is written; `adapters/README.md` is the guide.
 */

const NAME = /^[a-z][a-z0-9-]{1,30}$/

export async function scaffold(root: string, name: string): Promise<string[]> {
  if (!NAME.test(name)) throw new Error(`an adapter name is 2-31 lower-case letters, digits or "-", starting with a letter: "${name}"`)
  const folder = join(root, 'adapters', name)
  if (existsSync(folder)) throw new Error(`adapters/${name} exists already`)
  const camel = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
  const Pascal = camel[0]!.toUpperCase() + camel.slice(1)
  const files: Record<string, string> = {
    [`adapters/${name}/index.ts`]: indexTemplate(name, Pascal),
    [`adapters/${name}/mapping.ts`]: mappingTemplate(name, Pascal),
    [`adapters/${name}/conformance.ts`]: conformanceTemplate(name, Pascal),
    [`adapters/${name}/fake/${name}.ts`]: fakeTemplate(name, Pascal),
  }
  await mkdir(join(folder, 'fake'), { recursive: true })
  for (const [path, text] of Object.entries(files)) await writeFile(join(root, path), text, { flag: 'wx' })

  const registryPath = join(root, 'adapters', 'index.ts')
  const registry = await readFile(registryPath, 'utf8')
  const line = `  '${name}': async () => (await import('./${name}/index.ts')).default,\n`
  const end = registry.lastIndexOf('})')
  if (end < 0) throw new Error('adapters/index.ts has no registry object to add the adapter to')
  await writeFile(registryPath, registry.slice(0, end) + line + registry.slice(end))
  return [...Object.keys(files), 'adapters/index.ts']
}

const indexTemplate = (name: string, Pascal: string) => `import { Type } from '@sinclair/typebox'
import type { AdapterDefinition, AdapterV2, TaskPort, UpstreamClient } from '../../src/kit/spec.ts'
import { isSafeIntegerId } from '../../src/kit/utils.ts'
import { ${Pascal}Record, from${Pascal}, to${Pascal} } from './mapping.ts'

/** The connection options this adapter reads (besides adapter, concurrency, rateLimit, typeMap...). */
const ${Pascal}Options = Type.Object(
  {
    apiToken: Type.String({ minLength: 1 }),
    baseUrl: Type.String(),
  },
  { additionalProperties: false },
)

/**
 * Enginy tasks in ${Pascal}. The calls below assume a plain REST API under /tasks: change paths,
 * bodies and schemas to what ${name}'s API reference says. client retries, rate-limits, breaks
 * the circuit and turns HTTP failures into the gateway's errors; declare the CRM's native batch
 * sizes in capabilities and the core cuts batches to them. See adapters/README.md.
 */
export function create${Pascal}Tasks(client: UpstreamClient): TaskPort {
  const tasks: TaskPort = {
    capabilities: {
      maxBatchRead: 1,
      maxBatchUpdate: 1,
      // Fields ${name} cannot hold, if any (e.g. ['type']): the core drops them with a warning.
      unsupportedFields: [],
    },
    // The form of ${name}'s task ids, as strictly as its API reference allows (these are
    // positive integers): any other id is "not found" and never reaches ${name}.
    isNativeId: isSafeIntegerId,

    async doCreate(input, options) {
      const body = to${Pascal}(input)
      return from${Pascal}(await client.json({ method: 'POST', route: '/tasks', body, options }, ${Pascal}Record))
    },

    // Paths are templates: the client puts each parameter in its segment, encoded. Never build
    // a path from an id by concatenation.
    async doGetMany(ids, options) {
      const found = await client.json({ method: 'GET', route: '/tasks/{id}', params: { id: ids[0]! }, options }, ${Pascal}Record, 'null')
      return found ? [from${Pascal}(found)] : []
    },

    // An edit of a completed task must keep its completedAt: send only the fields in the patch.
    async doUpdate(id, patch, options) {
      const body = to${Pascal}(patch)
      const updated = await client.json({ method: 'PATCH', route: '/tasks/{id}', params: { id }, body, options }, ${Pascal}Record, 'null')
      return updated && from${Pascal}(updated)
    },

    async doCompleteMany(ids, completed, options) {
      const updated = await tasks.doUpdate(ids[0]!, { completed }, options)
      return updated ? [updated] : []
    },
  }
  return tasks
}

/**
 * A version 2 adapter: one port per kind of record it serves. This one serves tasks; add
 * \`contacts\`, \`companies\`, \`associations\`, \`activities\` or \`users\` ports (see
 * docs/kit/) and the conformance suite checks them too. The gateway answers 501 (404 for
 * users) for the kinds without a port.
 */
export function create${Pascal}Adapter(client: UpstreamClient): AdapterV2 {
  return {
    specificationVersion: 'v2',
    adapter: '${name}',
    tasks: create${Pascal}Tasks(client),
    // One cheap authenticated read, for /readyz and \`connections test\`.
    async doCheck(options) {
      await client.send({ method: 'GET', route: '/tasks', query: { limit: '1' }, expect: [200], options })
    },
  }
}

const definition: AdapterDefinition<typeof ${Pascal}Options> = {
  options: ${Pascal}Options,
  create(options, ctx) {
    const client = ctx.upstream({
      baseUrl: options.baseUrl,
      headers: { authorization: \`Bearer \${options.apiToken}\` },
      // Picks the CRM's own message out of an error body, for the 422 Enginy sees.
      errorMessage: (body) => (body as { error?: string }).error,
    })
    return create${Pascal}Adapter(client)
  },
}
export default definition
`

const mappingTemplate = (name: string, Pascal: string) => `import { type Static, Type } from '@sinclair/typebox'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/spec.ts'

/** A task as ${name}'s API sends it, checked before use: write it from the API reference. Check
 * ids by their form here too, so an id from an answer never reaches a later call unchecked. */
export const ${Pascal}Record = Type.Object({
  id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }),
  title: Type.String(),
  done: Type.Boolean(),
  doneAt: Type.Union([Type.Number(), Type.Null()]),
})
export type ${Pascal}Record = Static<typeof ${Pascal}Record>

/** Gateway fields to the body ${name} takes. Cover every field, with a table-driven test. */
export function to${Pascal}(patch: NativeTaskPatch): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (patch.subject !== undefined) body.title = patch.subject
  if (patch.completed !== undefined) body.done = patch.completed
  return body
}

/** ${name}'s record to the gateway's model. */
export function from${Pascal}(record: ${Pascal}Record): NativeTask {
  return { id: record.id, subject: record.title, completed: record.done, completedAt: record.doneAt }
}
`

const conformanceTemplate = (name: string, Pascal: string) => `import { type ConformanceTargets, fakeHooks } from '../../src/kit/testing.ts'
import { ${Pascal}Fake } from './fake/${name}.ts'

/**
 * What the conformance suite runs for ${name} (test/conformance/adapters.test.ts runs every
 * registered adapter's targets): a connection in front of the fake, and the hooks into it.
 */
const targets: ConformanceTargets = {
  '${name}': async () => {
    const fake = await ${Pascal}Fake.start()
    return {
      connection: { adapter: '${name}', apiToken: ${Pascal}Fake.TOKEN, baseUrl: fake.url },
      // A task id of ${name}'s form that the fake does not hold (and, with a contacts or a
      // companies port, missingContactId and missingCompanyId).
      missingNativeId: '999999',
      // breakUpstream, heal, peakInFlight and seen: they turn on the checks of the concurrency
      // limit and of upstream failures (a 5xx, never an empty answer), which skip without them.
      // Give the fake's own answers to refused credentials and to a spent rate limit.
      ...fakeHooks(fake.http, {
        auth: { status: 401, body: { error: 'unauthorized' } },
        rateLimited: { status: 429, headers: { 'retry-after': '3600' }, body: { error: 'daily limit reached' } },
      }),
      // Every request the task operations make: crafted ids must never make the adapter call more.
      taskPaths: /^(POST \\/tasks|(GET|PATCH) \\/tasks\\/[1-9][0-9]*)$/,
      close: () => fake.close(),
    }
  },
}
export default targets
`

const fakeTemplate = (name: string, Pascal: string) => `import { HttpFake, type SeenRequest, type Step } from '../../../src/kit/testing.ts'

/**
 * A fake ${name}: a real HTTP server on 127.0.0.1 that behaves as ${name}'s API reference says
 * (status codes, batch limits, error bodies, rate-limit headers). Check each request body against
 * a schema written from that reference, as adapters/hubspot/fake/hubspot.ts does.
 */
export class ${Pascal}Fake {
  static readonly TOKEN = '${name}-test-token'

  private constructor(readonly http: HttpFake) {}

  static async start(): Promise<${Pascal}Fake> {
    return new ${Pascal}Fake(await HttpFake.start((request) => route(request)))
  }

  get url(): string {
    return this.http.url
  }

  close(): Promise<void> {
    return this.http.close()
  }
}

function route(request: SeenRequest): Step {
  if (request.headers.authorization !== \`Bearer \${${Pascal}Fake.TOKEN}\`) return { status: 401, body: { error: 'unauthorized' } }
  return { status: 404, body: { error: \`no route for \${request.method} \${request.path} yet\` } }
}
`

const isMain = import.meta.url === `file://${process.argv[1]}`
if (isMain) {
  const name = process.argv[2]
  if (!name) {
    console.error('usage: npm run new-adapter -- <name>')
    process.exitCode = 2
  } else {
    try {
      const written = await scaffold(process.cwd(), name)
      console.log(`created adapter "${name}":\n${written.map((file) => `  ${file}`).join('\n')}`)
      console.log(`next: write adapters/${name}/index.ts and the fake, then: ADAPTERS=${name} npx vitest run test/conformance/adapters.test.ts`)
    } catch (error) {
      console.error((error as Error).message)
      process.exitCode = 1
    }
  }
}
