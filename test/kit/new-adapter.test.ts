import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { cp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = resolve('.')

async function inCopy(cwd: string, command: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, timeout: 180_000, maxBuffer: 20 * 1024 * 1024 })
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

  it('creates an adapter that type-checks, is registered, keeps crafted ids from its CRM, and whose conformance test fails for the right reason', async () => {
    const created = await inCopy(copy, 'npm', ['run', '-s', 'new-adapter', '--', 'acme-crm'])
    expect(created.code, created.out).toBe(0)
    expect(created.out).toContain('adapters/acme-crm/index.ts')
    expect(readFileSync(join(copy, 'adapters/index.ts'), 'utf8')).toContain("'acme-crm': async () => (await import('./acme-crm/index.ts')).default")

    const typecheck = await inCopy(copy, process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'])
    expect(typecheck.code, typecheck.out).toBe(0)

    const test = await inCopy(copy, process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'adapters/acme-crm'])
    expect(test.code, 'the generated test fails until the adapter is written').toBe(1)
    expect(test.out).toContain('adapter conformance: acme-crm')
    // The unwritten fake answers 404 to every route: a status that names no record is a 502.
    expect(test.out).toContain('answered 404 to POST /tasks')
    // The template already keeps crafted ids away from the CRM, before anything is written.
    expect(test.out).toMatch(/✓[^\n]*crafted ids: 404 on every single-task route/)
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
