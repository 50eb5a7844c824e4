import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { cp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = resolve('.')

async function inCopy(cwd: string, command: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, timeout: 180_000, maxBuffer: 20 * 1024 * 1024, env: { ...process.env, ...env } })
    return { code: 0, out: stdout + stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, out: failed.stdout + failed.stderr }
  }
}

/** The scaffold, run as an integrator runs it, in a temporary copy of the repository. */
describe('npm run new-adapter', () => {
  let copy: string
  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'gateway-scaffold-'))
    const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, maxBuffer: 20 * 1024 * 1024 })
    for (const file of stdout.split('\n').filter(Boolean)) await cp(join(ROOT, file), join(copy, file), { recursive: true }).catch(() => {})
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
  })

  it('creates an adapter that type-checks, is registered, keeps crafted ids from its CRM, and whose conformance target fails for the right reason', async () => {
    const created = await inCopy(copy, 'npm', ['run', '-s', 'new-adapter', '--', 'acme-crm'])
    expect(created.code, created.out).toBe(0)
    expect(created.out).toContain('adapters/acme-crm/index.ts')
    expect(readFileSync(join(copy, 'adapters/index.ts'), 'utf8')).toContain("'acme-crm': async () => (await import('./acme-crm/index.ts')).default")

    // A version 2 adapter with a tasks port, that takes everything from the kit and nothing else of src/.
    const index = readFileSync(join(copy, 'adapters/acme-crm/index.ts'), 'utf8')
    const mapping = readFileSync(join(copy, 'adapters/acme-crm/mapping.ts'), 'utf8')
    expect(index).toContain("specificationVersion: 'v2'")
    expect(index).toMatch(/export function createAcmeCrmAdapter\(client: UpstreamClient\): AdapterV2 \{/)
    expect(index).toMatch(/export function createAcmeCrmTasks\(client: UpstreamClient\): TaskPort \{/)
    expect(index).toContain('tasks: createAcmeCrmTasks(client)')
    for (const [file, source] of [
      ['index.ts', index],
      ['mapping.ts', mapping],
    ]) {
      const imports = [...source!.matchAll(/from '([^']+)'/g)].map(([, module]) => module)
      expect(
        imports.filter((module) => module !== '@sinclair/typebox' && module !== './mapping.ts'),
        `${file} imports from the kit only`,
      ).toEqual(expect.arrayContaining(['../../src/kit/spec.ts']))
      expect(imports.filter((module) => module?.includes('src/') && !/src\/kit\/(spec|utils)\.ts$/.test(module ?? '')), `${file} imports nothing else of src/`).toEqual([])
      expect(source, `${file} is no version 1 adapter`).not.toMatch(/v1|TaskAdapterV1/)
    }

    // Its fake and its conformance target in its own folder, taking the test kit.
    expect(created.out).toContain('adapters/acme-crm/conformance.ts')
    expect(created.out).toContain('adapters/acme-crm/fake/acme-crm.ts')
    for (const file of ['conformance.ts', 'fake/acme-crm.ts']) {
      const imports = [...readFileSync(join(copy, 'adapters/acme-crm', file), 'utf8').matchAll(/from '([^']+)'/g)].map(([, module]) => module)
      expect(imports.filter((module) => module!.includes('src/')), `${file} imports the test kit only`).toEqual([file === 'conformance.ts' ? '../../src/kit/testing.ts' : '../../../src/kit/testing.ts'])
    }

    const typecheck = await inCopy(copy, process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'])
    expect(typecheck.code, typecheck.out).toBe(0)

    // The suite runs it from the registry, as every registered adapter.
    const test = await inCopy(copy, process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/conformance/adapters.test.ts'], { ADAPTERS: 'acme-crm' })
    expect(test.code, 'the suite fails until the adapter is written').toBe(1)
    expect(test.out).toContain('adapter conformance: acme-crm')
    // The unwritten fake answers 404 to every route: a status that names no record is a 502.
    expect(test.out).toContain('answered 404 to POST /tasks')
    // The template already keeps crafted ids away from the CRM, before anything is written.
    expect(test.out).toMatch(/✓[^\n]*crafted ids: 404 on every single-task route/)
    // fakeHooks turns the concurrency and upstream-failure checks on: they run (and fail, as the
    // fake answers nothing yet), never skip.
    for (const check of ['concurrency: the connection limit holds at the CRM', 'upstream failures: reported as 502, never as an empty result']) {
      expect(test.out, `the generated test runs "${check}"`).toMatch(new RegExp(`×[^\\n]*${check}`))
      expect(test.out, `the generated test does not skip "${check}"`).not.toMatch(new RegExp(`↓[^\\n]*${check}`))
    }
    // A tasks port only: the suite skips the other kinds, saying why, and the gateway answers 501 for them.
    expect(test.out).toMatch(/↓[^\n]*contacts export: one crmId per externalId[^\n]*the adapter has no contacts port/)
    expect(test.out).toMatch(/✓[^\n]*kinds without a port: 501 Not Implemented/)
  }, 240_000)

  it('teaches, in the guide, paths from templates and ids checked by their form, never a path from an id', () => {
    const guide = readFileSync(join(ROOT, 'adapters/README.md'), 'utf8')
    const code = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, block]) => block!).join('\n')
    expect(code).not.toMatch(/\bpath:/)
    expect(code).not.toMatch(/route: `[^`]*\$\{/)
    expect(code).toContain('params: { id }')
    expect(code).toContain('isNativeId')
  })

  it('refuses a bad name and an adapter that exists', async () => {
    const bad = await inCopy(copy, 'npm', ['run', '-s', 'new-adapter', '--', 'Bad Name'])
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('an adapter name is 2-31 lower-case letters')
    const exists = await inCopy(copy, 'npm', ['run', '-s', 'new-adapter', '--', 'hubspot'])
    expect(exists.code).toBe(1)
    expect(exists.out).toContain('adapters/hubspot exists already')
  })
})
